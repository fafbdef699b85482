// Placeholder: replaced by the page itself.
export default function AppHome() {
  return null;
}

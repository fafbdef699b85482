// Placeholder: replaced by the page itself.
export default function AppBuilderPage() {
  return null;
}

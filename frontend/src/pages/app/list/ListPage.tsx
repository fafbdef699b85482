// Placeholder: replaced by the page itself.
export default function ListPage() {
  return null;
}

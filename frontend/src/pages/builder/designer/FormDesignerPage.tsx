// Placeholder: replaced by the page itself.
export default function FormDesignerPage() {
  return null;
}

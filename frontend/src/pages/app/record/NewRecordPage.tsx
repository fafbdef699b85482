// Placeholder: replaced by the page itself.
export default function NewRecordPage() {
  return null;
}

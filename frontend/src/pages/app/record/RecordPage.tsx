// Placeholder: replaced by the page itself.
export default function RecordPage() {
  return null;
}

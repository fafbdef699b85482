// Placeholder: replaced by the page itself.
export default function SharedDashboardPage() {
  return null;
}

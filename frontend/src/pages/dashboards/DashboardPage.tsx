// Placeholder: replaced by the page itself.
export default function DashboardPage() {
  return null;
}

// How an app looks on cards and in the builder: a named icon on its colour.
import {
  AppstoreOutlined,
  BankOutlined,
  BookOutlined,
  CalendarOutlined,
  CarOutlined,
  CustomerServiceOutlined,
  DatabaseOutlined,
  DollarOutlined,
  FileTextOutlined,
  HomeOutlined,
  IdcardOutlined,
  MedicineBoxOutlined,
  ProjectOutlined,
  RocketOutlined,
  ShopOutlined,
  ShoppingCartOutlined,
  SolutionOutlined,
  TeamOutlined,
  ToolOutlined,
  TrophyOutlined,
} from "@ant-design/icons";
import type { ComponentType } from "react";

/** Icon names as the server stores them (`^[a-z0-9-]{1,64}$`). */
export const APP_ICONS: Record<string, ComponentType<{ "aria-hidden"?: boolean }>> = {
  appstore: AppstoreOutlined,
  team: TeamOutlined,
  solution: SolutionOutlined,
  "customer-service": CustomerServiceOutlined,
  shop: ShopOutlined,
  "shopping-cart": ShoppingCartOutlined,
  dollar: DollarOutlined,
  bank: BankOutlined,
  "file-text": FileTextOutlined,
  project: ProjectOutlined,
  calendar: CalendarOutlined,
  rocket: RocketOutlined,
  trophy: TrophyOutlined,
  idcard: IdcardOutlined,
  book: BookOutlined,
  database: DatabaseOutlined,
  tool: ToolOutlined,
  car: CarOutlined,
  home: HomeOutlined,
  "medicine-box": MedicineBoxOutlined,
};

export const APP_COLORS = [
  "#1f4fd6", "#1677ff", "#13a8a8", "#389e0d", "#d48806", "#d4380d", "#cf1322", "#c41d7f", "#722ed1", "#595959",
];

export function AppIcon({ icon, color, size = 40 }: { icon: string; color: string; size?: number }) {
  const Icon = APP_ICONS[icon] ?? AppstoreOutlined;
  return (
    <span
      className="qq-app-icon"
      style={{ background: color, width: size, height: size, fontSize: Math.round(size * 0.5) }}
      aria-hidden
    >
      <Icon aria-hidden />
    </span>
  );
}

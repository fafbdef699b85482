// The language switch of the top bar and the login page.
import { GlobalOutlined } from "@ant-design/icons";
import { Button, Dropdown } from "antd";
import { useTranslation } from "react-i18next";
import { changeLanguage, currentLanguage, LANGUAGES, type Language } from "../i18n";

export function LanguageSwitch({ compact = false }: { compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const current = normalize(i18n.resolvedLanguage) ?? currentLanguage();
  const label = LANGUAGES.find((l) => l.code === current)?.label ?? current;
  return (
    <Dropdown
      trigger={["click"]}
      menu={{
        selectable: true,
        selectedKeys: [current],
        items: LANGUAGES.map((l) => ({ key: l.code, label: <span lang={l.code}>{l.label}</span> })),
        onClick: ({ key }) => void changeLanguage(key as Language),
      }}
    >
      <Button type="text" icon={<GlobalOutlined aria-hidden />} aria-label={t("language.switch", { current: label })}>
        {compact ? null : label}
      </Button>
    </Dropdown>
  );
}

function normalize(lng: string | undefined): Language | undefined {
  return lng === "zh-CN" || lng === "en" ? lng : undefined;
}

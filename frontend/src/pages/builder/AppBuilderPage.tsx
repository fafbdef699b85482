// The app builder: the app's settings, its forms (new, from Excel, open in the designer) and
// the arrangement of its menu.
import { ArrowLeftOutlined, EyeOutlined, FileExcelOutlined, FormOutlined, PlusOutlined } from "@ant-design/icons";
import { App, Button, Card, Col, Empty, Form, Input, List, Result, Row, Skeleton, Space, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { useApp, useUpdateApp, type AppInfo } from "../../api/apps";
import { useForms } from "../../api/designer";
import { useShowProblem } from "../../components/useShowProblem";
import { ColorPicker, IconPicker } from "../home/CreateAppModal";
import { AppIcon } from "../home/appLook";
import "../home/home.css";
import "./builder.css";
import { CreateFormModal } from "./CreateFormModal";
import { textOf } from "./designer/draft";
import { ExcelFormWizard } from "./ExcelFormWizard";
import { MenuArranger } from "./MenuArranger";

interface SettingsValues {
  name: string;
  icon: string;
  color: string;
  description: string;
}

function SettingsCard({ app }: { app: AppInfo }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<SettingsValues>();
  const update = useUpdateApp(app.key);
  const showProblem = useShowProblem();
  const color = Form.useWatch("color", form) ?? app.color;

  useEffect(() => {
    form.setFieldsValue({ name: app.name, icon: app.icon, color: app.color, description: app.description });
  }, [app, form]);

  const save = async (values: SettingsValues) => {
    try {
      await update.mutateAsync(values);
      void message.success(t("builder.app.saved"));
    } catch (error) {
      showProblem(error, form);
    }
  };

  return (
    <Card title={t("builder.app.settings")}>
      <Form<SettingsValues> form={form} layout="vertical" onFinish={save}>
        <Form.Item name="name" label={t("builder.app.name")} rules={[{ required: true, message: t("builder.app.nameRequired") }]}>
          <Input maxLength={128} />
        </Form.Item>
        <Form.Item name="icon" label={t("builder.app.icon")}>
          <IconPicker color={color} />
        </Form.Item>
        <Form.Item name="color" label={t("builder.app.color")}>
          <ColorPicker />
        </Form.Item>
        <Form.Item name="description" label={t("builder.app.description")}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={update.isPending}>
          {t("builder.app.saveSettings")}
        </Button>
      </Form>
    </Card>
  );
}

export default function AppBuilderPage() {
  const { appKey = "" } = useParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? "zh-CN";
  const app = useApp(appKey);
  const forms = useForms(appKey);
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const excelOpen = params.get("excel") === "1";
  const setExcel = (open: boolean) => setParams(open ? { excel: "1" } : {}, { replace: true });

  if (app.isPending) return <Skeleton active className="qq-page" />;
  if (app.isError || !app.data) return <Result status="404" title={t("builder.app.notFound")} extra={<Link to="/">{t("nav.home")}</Link>} />;
  if (!app.data.can_design) return <Result status="403" title={t("builder.app.noDesign")} extra={<Link to={`/apps/${appKey}`}>{t("builder.app.open")}</Link>} />;

  return (
    <div className="qq-page">
      <div className="qq-page-head">
        <Space size={12} className="qq-builder-title">
          <Link to="/" aria-label={t("builder.back")} className="qq-back">
            <ArrowLeftOutlined aria-hidden />
          </Link>
          <AppIcon icon={app.data.icon} color={app.data.color} size={40} />
          <Typography.Title level={2}>{app.data.name}</Typography.Title>
        </Space>
        <Button icon={<EyeOutlined aria-hidden />} onClick={() => navigate(`/apps/${appKey}`)}>
          {t("builder.app.open")}
        </Button>
      </div>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Space orientation="vertical" size={16} className="qq-full">
            <Card
              title={t("builder.forms.title")}
              extra={
                <Space wrap size={8}>
                  <Button icon={<FileExcelOutlined aria-hidden />} onClick={() => setExcel(true)}>
                    {t("builder.forms.fromExcel")}
                  </Button>
                  <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)}>
                    {t("builder.forms.new")}
                  </Button>
                </Space>
              }
            >
              {forms.isPending ? (
                <Skeleton active />
              ) : forms.data?.length ? (
                <List
                  dataSource={forms.data}
                  renderItem={(f) => (
                    <List.Item
                      actions={[
                        <Link key="design" to={`/build/${appKey}/forms/${f.key}`} aria-label={t("builder.forms.designNamed", { name: textOf(f.label, lang) || f.key })}>
                          <FormOutlined aria-hidden /> {t("builder.forms.design")}
                        </Link>,
                      ]}
                    >
                      <List.Item.Meta
                        title={textOf(f.label, lang) || f.key}
                        description={
                          <Space size={6} wrap>
                            <Typography.Text type="secondary" code>
                              {f.key}
                            </Typography.Text>
                            {f.published_version ? (
                              <Tag color="green">{t("builder.forms.publishedV", { version: f.published_version })}</Tag>
                            ) : (
                              <Tag>{t("builder.forms.unpublished")}</Tag>
                            )}
                          </Space>
                        }
                      />
                    </List.Item>
                  )}
                />
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("builder.forms.none")} />
              )}
            </Card>
            <Card title={t("builder.menu.title")}>
              <MenuArranger app={app.data} forms={forms.data ?? []} />
            </Card>
          </Space>
        </Col>
        <Col xs={24} lg={10}>
          <SettingsCard app={app.data} />
        </Col>
      </Row>
      <CreateFormModal appKey={appKey} open={creating} onClose={() => setCreating(false)} taken={(forms.data ?? []).map((f) => f.key)} />
      <ExcelFormWizard appKey={appKey} open={excelOpen} onClose={() => setExcel(false)} />
    </div>
  );
}

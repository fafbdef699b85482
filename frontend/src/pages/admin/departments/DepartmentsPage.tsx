// Admin: the department tree with heads. Select a department to rename, move, set its head
// or delete it; add children under it.
import { PlusOutlined, UserOutlined } from "@ant-design/icons";
import { App, Badge, Button, Card, Col, Empty, Grid, Popconfirm, Row, Space, Tree, Typography } from "antd";
import type { TreeDataNode } from "antd";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ApiError } from "../../../api/client";
import { buildDepartmentTree, useDeleteDepartment, useDepartments, type DepartmentNode } from "../../../api/departments";
import type { Id } from "../../../api/types";
import { useShowProblem } from "../../../components/useShowProblem";
import { CreateDepartmentModal } from "./CreateDepartmentModal";
import { DepartmentForm } from "./DepartmentForm";

function toTreeData(nodes: DepartmentNode[]): TreeDataNode[] {
  return nodes.map((n) => ({
    key: String(n.id),
    title: (
      <span className="qq-dept-title">
        <span>{n.name}</span>
        {n.head ? (
          <Typography.Text type="secondary" className="qq-dept-head">
            <UserOutlined aria-hidden /> {n.head.display_name}
          </Typography.Text>
        ) : null}
        <Badge count={n.member_count} showZero={false} color="#8c8c8c" size="small" />
      </span>
    ),
    children: toTreeData(n.children),
  }));
}

export default function DepartmentsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showProblem = useShowProblem();
  const departments = useDepartments();
  const remove = useDeleteDepartment();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [createUnder, setCreateUnder] = useState<Id | null | undefined>(undefined);
  const [expanded, setExpanded] = useState<React.Key[]>([]);
  const seen = useRef(new Set<string>());
  const detail = useRef<HTMLDivElement>(null);
  const screens = Grid.useBreakpoint();
  const stacked = !(screens.md ?? true);

  const items = useMemo(() => departments.data ?? [], [departments.data]);
  const tree = useMemo(() => buildDepartmentTree(items), [items]);
  const treeData = useMemo(() => toTreeData(tree), [tree]);
  const selected = items.find((d) => String(d.id) === selectedId) ?? null;

  // New departments appear expanded; the ones a person collapsed stay collapsed.
  useEffect(() => {
    const fresh = items.map((d) => String(d.id)).filter((k) => !seen.current.has(k));
    if (!fresh.length) return;
    fresh.forEach((k) => seen.current.add(k));
    setExpanded((prev) => [...prev, ...fresh]);
  }, [items]);

  const onDelete = () => {
    if (!selected) return;
    remove.mutate(selected.id, {
      onSuccess: () => {
        void message.success(t("departments.deleted", { name: selected.name }));
        setSelectedId(null);
      },
      onError: (e) =>
        e instanceof ApiError && e.status === 409 ? void message.error(t("departments.deleteBlocked")) : showProblem(e),
    });
  };

  return (
    <div className="qq-page">
      <div className="qq-page-head">
        <Typography.Title level={2}>{t("nav.departments")}</Typography.Title>
        <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setCreateUnder(null)}>
          {t("departments.createTop")}
        </Button>
      </div>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={10} xl={9}>
          <Card title={t("departments.tree")} loading={departments.isLoading}>
            {treeData.length ? (
              <Tree
                aria-label={t("departments.tree")}
                treeData={treeData}
                blockNode
                showLine
                expandedKeys={expanded}
                onExpand={setExpanded}
                selectedKeys={selectedId ? [selectedId] : []}
                onSelect={(keys) => {
                  // A second click on the open department keeps it open (antd would deselect).
                  if (!keys.length) return;
                  setSelectedId(String(keys[0]));
                  // On a phone the form sits below the tree: bring it into view.
                  if (stacked) {
                    setTimeout(() => detail.current?.scrollIntoView({ behavior: "smooth", block: "start" }), 0);
                  }
                }}
              />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("departments.empty")} />
            )}
          </Card>
        </Col>
        <Col xs={24} md={14} xl={15} ref={detail}>
          {selected ? (
            <Card
              title={selected.name}
              extra={
                <Link to={`/admin/users?department_id=${encodeURIComponent(String(selected.id))}`}>
                  {t("departments.members", { count: selected.member_count })}
                </Link>
              }
            >
              <DepartmentForm key={String(selected.id)} department={selected} all={items} />
              <Space wrap className="qq-block-top">
                <Button icon={<PlusOutlined aria-hidden />} onClick={() => setCreateUnder(selected.id)}>
                  {t("departments.createChild")}
                </Button>
                <Popconfirm
                  title={t("departments.deleteConfirm", { name: selected.name })}
                  description={t("departments.deleteHint")}
                  okText={t("common.delete")}
                  okButtonProps={{ danger: true }}
                  cancelText={t("common.cancel")}
                  onConfirm={onDelete}
                >
                  <Button danger loading={remove.isPending}>
                    {t("common.delete")}
                  </Button>
                </Popconfirm>
              </Space>
            </Card>
          ) : stacked ? null : (
            <Card>
              <Empty description={t("departments.selectHint")} />
            </Card>
          )}
        </Col>
      </Row>
      <CreateDepartmentModal
        open={createUnder !== undefined}
        parentId={createUnder ?? null}
        onClose={(created) => {
          setCreateUnder(undefined);
          if (created) setSelectedId(String(created.id));
        }}
      />
    </div>
  );
}

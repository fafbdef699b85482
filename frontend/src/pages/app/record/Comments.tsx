// Comments on a record, oldest first, written as plain text with @mentions of people from the
// directory (the mentioned are notified by the server).
import { DeleteOutlined } from "@ant-design/icons";
import { App, Avatar, Button, Card, Empty, List, Mentions, Popconfirm, Typography } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useAddComment, useComments, useDeleteComment, useDirectoryUsers, type DirectoryUser } from "../../../api/records";
import type { Id } from "../../../api/types";
import { useCurrentUser } from "../../../components/currentUser";
import { useShowProblem } from "../../../components/useShowProblem";
import { useLang } from "../fieldKit";
import { formatWhen } from "./format";

interface Props {
  appKey: string;
  formKey: string;
  recordId: Id;
  canComment: boolean;
  canModerate: boolean;
}

export function Comments({ appKey, formKey, recordId, canComment, canModerate }: Props) {
  const { t } = useTranslation();
  const lang = useLang();
  const me = useCurrentUser();
  const { message } = App.useApp();
  const showProblem = useShowProblem();
  const comments = useComments(appKey, formKey, recordId);
  const add = useAddComment(appKey, formKey, recordId);
  const remove = useDeleteComment(appKey, formKey, recordId);
  const [text, setText] = useState("");
  const [search, setSearch] = useState("");
  const [picked, setPicked] = useState<Map<string, DirectoryUser>>(new Map());
  const people = useDirectoryUsers(search);

  const options = useMemo(
    () => (people.data ?? []).map((u) => ({ value: u.username, label: `${u.display_name} (${u.username})`, key: String(u.id) })),
    [people.data],
  );

  const send = () => {
    const body = text.trim();
    if (!body) return;
    const mentions = [...picked.values()].filter((u) => body.includes(`@${u.username}`)).map((u) => u.id);
    add.mutate(
      { body, mentions: [...new Set(mentions)] },
      {
        onSuccess: () => {
          setText("");
          setPicked(new Map());
          void message.success(t("runtime.comments.added"));
        },
        onError: (e) => showProblem(e),
      },
    );
  };

  return (
    <Card title={t("runtime.comments.title")} size="small">
      <List
        dataSource={comments.data ?? []}
        loading={comments.isLoading}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("runtime.comments.none")} /> }}
        renderItem={(c) => {
          const name = c.author?.display_name ?? t("runtime.comments.removedUser");
          return (
            <List.Item
              actions={
                c.author?.id === me.id || canModerate
                  ? [
                      <Popconfirm
                        key="delete"
                        title={t("runtime.comments.deleteConfirm")}
                        okText={t("common.delete")}
                        cancelText={t("common.cancel")}
                        onConfirm={() => remove.mutate(c.id, { onError: (e) => showProblem(e) })}
                      >
                        <Button type="text" size="small" icon={<DeleteOutlined aria-hidden />} aria-label={t("runtime.comments.delete")} />
                      </Popconfirm>,
                    ]
                  : []
              }
            >
              <List.Item.Meta
                avatar={<Avatar size="small">{name.slice(0, 1).toUpperCase()}</Avatar>}
                title={
                  <span>
                    {name}{" "}
                    <Typography.Text type="secondary" className="qq-comment-time">
                      {formatWhen(c.created_at, lang)}
                    </Typography.Text>
                  </span>
                }
                description={<div className="qq-comment-body">{c.body}</div>}
              />
            </List.Item>
          );
        }}
      />
      {canComment ? (
        <div className="qq-comment-composer">
          <label htmlFor="qq-comment-input" className="qq-visually-hidden">
            {t("runtime.comments.write")}
          </label>
          <Mentions
            id="qq-comment-input"
            aria-label={t("runtime.comments.write")}
            autoSize={{ minRows: 2, maxRows: 6 }}
            value={text}
            onChange={setText}
            onSearch={(s) => setSearch(s)}
            onSelect={(option) => {
              const user = (people.data ?? []).find((u) => u.username === option.value);
              if (user) setPicked((m) => new Map(m).set(user.username, user));
            }}
            options={options}
            placeholder={t("runtime.comments.placeholder")}
            maxLength={5000}
          />
          <Button type="primary" className="qq-gap" onClick={send} loading={add.isPending} disabled={!text.trim()}>
            {t("runtime.comments.send")}
          </Button>
        </div>
      ) : null}
    </Card>
  );
}

// The live preview: the draft rendered by the runtime's own RecordForm, so what the builder
// sees is exactly what people will fill in. A draft the form cannot render yet shows why,
// without taking the designer down with it.
import { Alert } from "antd";
import { Component } from "react";
import type { ErrorInfo, ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { FormDefinition } from "../../../api/designer";
import type { FormDef } from "../../../api/forms";
import { RecordForm } from "../../../components/record-form/RecordForm";

class PreviewBoundary extends Component<{ fallback: (error: Error) => ReactNode; children: ReactNode; resetKey: string }, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidUpdate(prev: { resetKey: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  componentDidCatch(_error: Error, _info: ErrorInfo) {
    // shown in place; the designer keeps working
  }

  render() {
    return this.state.error ? this.props.fallback(this.state.error) : this.props.children;
  }
}

export function Preview({ appKey, form }: { appKey: string; form: FormDefinition }) {
  const { t } = useTranslation();
  const definition = { ...form, settings: { columns: 2, ...form.settings } } as FormDef;
  const shape = JSON.stringify(form);
  return (
    <div className="qq-preview">
      <PreviewBoundary resetKey={shape} fallback={(error) => <Alert type="warning" showIcon title={t("builder.designer.previewFailed")} description={error.message} />}>
        <RecordForm
          key={form.fields.map((f) => `${f.key}:${f.type}`).join(",")}
          form={definition}
          appKey={appKey}
          formKey={form.key}
          preview
          submitLabel={t("builder.designer.previewSubmit")}
        />
      </PreviewBoundary>
    </div>
  );
}

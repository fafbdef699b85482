// What dnd-kit tells screen readers while something is dragged, in the UI language.
import type { Announcements, ScreenReaderInstructions, UniqueIdentifier } from "@dnd-kit/core";
import type { TFunction } from "i18next";

export function dndAccessibility(
  t: TFunction,
  nameOf: (id: UniqueIdentifier) => string,
): { announcements: Announcements; screenReaderInstructions: ScreenReaderInstructions } {
  return {
    screenReaderInstructions: { draggable: t("builder.dnd.instructions") },
    announcements: {
      onDragStart: ({ active }) => t("builder.dnd.picked", { name: nameOf(active.id) }),
      onDragOver: ({ active, over }) =>
        over ? t("builder.dnd.over", { name: nameOf(active.id), target: nameOf(over.id) }) : t("builder.dnd.nowhere", { name: nameOf(active.id) }),
      onDragEnd: ({ active, over }) =>
        over ? t("builder.dnd.dropped", { name: nameOf(active.id), target: nameOf(over.id) }) : t("builder.dnd.cancelled", { name: nameOf(active.id) }),
      onDragCancel: ({ active }) => t("builder.dnd.cancelled", { name: nameOf(active.id) }),
    },
  };
}

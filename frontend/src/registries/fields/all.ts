// Registers every field type's UI (side effects of importing each module). Import this once
// before rendering forms, lists or the designer: `import "../registries/fields/all";`.
import "./text";
import "./number";
import "./time";
import "./choice";
import "./contact";
import "./place";
import "./files";
import "./people";
import "./relation";
import "./subform";
import "./related";
import "./computed";
import "./system";
import "./layout";

export { fieldTypes, fieldUI } from "./index";

/** What producers use to read and map the core systems' exports (see docs/exports.md). */
export { checkColumns, type ExpectedColumns } from './columns.js';
export { deterministicEventId, type EventContext } from './event-id.js';
export { isMunicipalityCode, municipalityCodeProblem } from './municipality-code.js';
export { type ParseRowResult, parseRow, type RowError, type RowOrigin } from './parse-row.js';
export {
  checkExportColumns,
  type ExportFormat,
  type ExportItem,
  formatOfPath,
  type ReadExportOptions,
  readExport,
} from './read-export.js';
export {
  EXPORT_COLUMNS,
  EXPORT_SYSTEMS,
  type ExportRow,
  type ExportRowOf,
  type ExportSystem,
  isExportSystem,
  ROW_SCHEMAS,
  type RowEvent,
  toEvent,
} from './systems.js';

// Package recipients reads the user's recipient list (.xlsx, .xlsm, .xltx,
// .csv, .txt) as the user sees it in Excel, finds the header and the email
// column, validates addresses, applies the duplicate policy, the
// suppression list and row filters, and writes per-row results into a copy
// of the workbook. Both the headless command and the window use it.
package recipients

import type { ReactNode } from "react";
import { formatNumber } from "@/lib/presentation/format";

export interface Column<Row> {
  header: string;
  numeric?: boolean;
  cell: (row: Row) => ReactNode;
}

/** A plain, accessible table: named by `label`, one row per item, right-aligned numbers written the one way ("1,318"). */
export function DataTable<Row>({ label, columns, rows, rowKey }: { label: string; columns: Column<Row>[]; rows: Row[]; rowKey: (row: Row) => string }) {
  return (
    <table className="table" aria-label={label}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.header} scope="col" className={c.numeric ? "num" : undefined}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)}>
            {columns.map((c) => (
              <td key={c.header} className={c.numeric ? "num" : undefined}>
                {shown(c.cell(row))}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A bare number a cell returns is grouped like every other count in the app. */
function shown(value: ReactNode): ReactNode {
  return typeof value === "number" ? formatNumber(value) : value;
}

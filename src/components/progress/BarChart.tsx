// A small horizontal bar chart drawn as SVG, with the same numbers in a visually hidden table so
// screen-reader users get the data rather than a picture of it.
export interface Bar {
  label: string;
  value: number;
  /** Extra text after the value, e.g. "3/4". */
  note?: string;
}

/** Horizontal bars scaled to `max`. */
export function BarChart({ title, data, max, format, testId }: { title: string; data: Bar[]; max: number; format: (n: number) => string; testId?: string }) {
  const row = 26;
  const labelW = 250;
  const barW = 240;
  const width = labelW + barW + 170;
  const height = data.length * row + 6;
  const scale = (v: number) => (max > 0 ? Math.max(0, Math.min(1, v / max)) * barW : 0);
  return (
    <figure class="bar-chart" data-testid={testId}>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" style={{ maxWidth: `${width}px` }} role="img" aria-label={`${title} (bar chart; the table below has the same numbers)`}>
        {data.map((d, i) => (
          <g key={d.label} transform={`translate(0 ${i * row + 4})`}>
            <text x={labelW - 8} y={15} text-anchor="end" font-size="13" fill="currentColor">
              {d.label.length > 32 ? `${d.label.slice(0, 31)}…` : d.label}
            </text>
            <rect x={labelW} y={3} width={barW} height={16} rx={3} fill="var(--bg-soft)" stroke="var(--border)" />
            <rect x={labelW} y={3} width={scale(d.value)} height={16} rx={3} fill="var(--accent)" />
            <text x={labelW + barW + 8} y={15} font-size="13" fill="currentColor">
              {format(d.value)}
              {d.note ? ` (${d.note})` : ''}
            </text>
          </g>
        ))}
      </svg>
      <table class="sr-only">
        <caption>{title}</caption>
        <tbody>
          {data.map((d) => (
            <tr key={d.label}>
              <th scope="row">{d.label}</th>
              <td>
                {format(d.value)}
                {d.note ? ` (${d.note})` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

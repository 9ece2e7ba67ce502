import { TOPIC_ROLES } from '../core/topics.js';
import type { OperatorRejections, StatusSnapshot } from './types.js';

/** ANSI control sequences for redrawing in place (ECMA-48 and the DEC private cursor modes). */
export const ANSI = {
  cursorHome: '\x1b[H',
  clearLineEnd: '\x1b[K',
  clearScreenEnd: '\x1b[J',
  clearScreen: '\x1b[2J',
  hideCursor: '\x1b[?25l',
  showCursor: '\x1b[?25h',
} as const;

const NOT_AVAILABLE = '-';
const LLM_NOT_AVAILABLE = 'LLM tokens/s: n/a (pass --metrics-url with the /metrics address of each LLM operator process)';

function llmLine(snapshot: StatusSnapshot): string {
  const llm = snapshot.llm;
  if (!llm) return LLM_NOT_AVAILABLE;
  const rate = (value: number | null) => (value === null ? 'n/a' : value.toFixed(1));
  const reached = llm.sources.length - llm.unreachable.length;
  const missing = llm.unreachable.length > 0 ? `; not answering: ${llm.unreachable.join(', ')}` : '';
  return (
    `LLM tokens/s: ${rate(llm.tokensPerSecond)}  requests/s: ${rate(llm.requestsPerSecond)}  ` +
    `tokens so far: ${llm.promptTokens} prompt, ${llm.completionTokens} completion  (from ${reached} of ${llm.sources.length} /metrics${missing})`
  );
}
const countFormat = new Intl.NumberFormat('en-US');

export function formatCount(value: number | null): string {
  return value === null ? NOT_AVAILABLE : countFormat.format(value);
}

/** Rates below 100/s keep one decimal, so a slow trickle does not read as zero. */
export function formatRate(value: number | null): string {
  if (value === null) return NOT_AVAILABLE;
  return value >= 100 ? countFormat.format(Math.round(value)) : value.toFixed(1);
}

function formatSeconds(value: number): string {
  return Number.isInteger(value) ? `${value} s` : `${value.toFixed(1)} s`;
}

/** Lays out rows in columns two spaces apart. Columns marked 'r' are right-aligned. */
export function formatTable(header: string[], rows: string[][], align: ('l' | 'r')[]): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (align[i] === 'r' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

function topicLines(snapshot: StatusSnapshot): string[] {
  const rows = TOPIC_ROLES.map((role) => {
    const topic = snapshot.topics[role];
    if (!topic.found) return [role, topic.topic, NOT_AVAILABLE, 'topic not found', NOT_AVAILABLE];
    return [role, topic.topic, String(topic.partitions), formatCount(topic.records), formatRate(topic.recordsPerSecond)];
  });
  return formatTable(['TIER', 'TOPIC', 'PARTITIONS', 'RECORDS', 'IN/S'], rows, ['l', 'l', 'r', 'r', 'r']);
}

function stageLines(snapshot: StatusSnapshot): string[] {
  const rows = snapshot.stages.map((stage) => [
    stage.stage,
    `${stage.input} -> ${stage.output}`,
    stage.group,
    // Kafka reports Dead for a group id that does not exist.
    stage.state === 'Dead' ? 'no group' : stage.state,
    String(stage.members),
    stage.lag === null ? 'input topic not found' : formatCount(stage.lag),
    formatRate(stage.consumedPerSecond),
    formatRate(stage.outPerSecond),
  ]);
  return formatTable(
    ['STAGE', 'TOPICS', 'GROUP', 'STATE', 'MEMBERS', 'LAG', 'CONSUMED/S', 'OUT/S'],
    rows,
    ['l', 'l', 'l', 'l', 'r', 'r', 'r', 'r'],
  );
}

function rejectionLines(snapshot: StatusSnapshot): string[] {
  const rejections = snapshot.rejections;
  if (!rejections.reading) return [`REJECTIONS  ${rejections.topic}: topic not found, waiting for it`];

  const window = formatSeconds(rejections.windowSeconds);
  const lines = [
    `REJECTIONS  ${formatRate(rejections.perSecond)}/s over the last ${window} ` +
      `(${formatSeconds(Math.round(rejections.coveredSeconds))} of data so far), ` +
      `${formatCount(rejections.totalSinceStart)} since start`,
  ];
  if (rejections.undecodable > 0) {
    lines.push(`${formatCount(rejections.undecodable)} values on ${rejections.topic} did not decode as rejected records`);
  }

  const counts = (entry: OperatorRejections) => [formatRate(entry.perSecond), formatCount(entry.count), formatCount(entry.total)];
  lines.push('');
  lines.push(
    ...formatTable(
      ['OPERATOR', 'REJECTED/S', 'IN WINDOW', 'SINCE START'],
      rejections.byOperator.map((entry) => [entry.operator, ...counts(entry)]),
      ['l', 'r', 'r', 'r'],
    ),
  );

  lines.push('');
  if (rejections.topRules.length === 0) {
    lines.push(`TOP RULES  no rejections in the last ${window}`);
  } else {
    lines.push(
      ...formatTable(
        ['TOP RULES', 'OPERATOR', 'REJECTED/S', 'IN WINDOW', 'SINCE START'],
        rejections.topRules.map((entry) => [entry.rule, entry.operator, ...counts(entry)]),
        ['l', 'l', 'r', 'r', 'r'],
      ),
    );
  }
  return lines;
}

/** Renders a snapshot as plain text, one line per row, without control sequences. */
export function renderText(snapshot: StatusSnapshot, footer?: string): string {
  const rates = snapshot.sampleSeconds === null ? 'rates after the next sample' : `rates over ${snapshot.sampleSeconds.toFixed(1)} s`;
  const lines = [
    `tiers status  prefix ${snapshot.prefix}  topology ${snapshot.topology}  brokers ${snapshot.brokers.join(',')}`,
    `${snapshot.time}  ${rates}`,
  ];
  if (snapshot.error !== null) lines.push(`last poll failed: ${snapshot.error} (showing the previous values)`);
  lines.push('', ...topicLines(snapshot), '', ...stageLines(snapshot), '', ...rejectionLines(snapshot), '', llmLine(snapshot));
  if (footer !== undefined) lines.push('', footer);
  return lines.join('\n') + '\n';
}

/**
 * Wraps rendered text for an in-place redraw: cursor home, each line cut to the terminal
 * width and cleared to its end, then the rest of the screen cleared. Lines are cut rather
 * than wrapped, and rows beyond the terminal height dropped, because a wrapped or scrolled
 * frame would leave the next frame's cursor-home drawing over the wrong rows.
 */
export function renderFrame(text: string, columns?: number, rows?: number): string {
  let lines = text.replace(/\n$/, '').split('\n');
  if (rows !== undefined && rows > 1) lines = lines.slice(0, rows - 1);
  const cut = (line: string) => (columns !== undefined && columns > 0 ? line.slice(0, columns) : line);
  return ANSI.cursorHome + lines.map((line) => cut(line) + ANSI.clearLineEnd).join('\n') + '\n' + ANSI.clearScreenEnd;
}

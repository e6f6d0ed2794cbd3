/**
 * Counts the rows each read returns, by the table it reads from, as a Kysely plugin on a store's
 * handle: a test runs code against the counted handle and asserts on the largest single read,
 * which is what bounds the memory a step can take from the database at once.
 */
import {
  AliasNode,
  TableNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';

export interface TableReads {
  /** Reads (SELECT statements) answered. */
  reads: number;
  /** Rows they returned, in all. */
  rows: number;
  /** Rows of the largest single read. */
  maxRows: number;
}

/** The table a statement reads from: its first FROM, or the first FROM of raw SQL. */
function tableOf(node: RootOperationNode): string | null {
  if (node.kind === 'SelectQueryNode') {
    const from = node.from?.froms[0];
    const table = from && AliasNode.is(from) ? from.node : from;
    return table && TableNode.is(table) ? table.table.identifier.name : null;
  }
  if (node.kind === 'RawNode') {
    const text = node.sqlFragments.join('?');
    const m = /^\s*SELECT\b[\s\S]*?\bFROM\s+"?(\w+)/i.exec(text);
    return m ? m[1] : null;
  }
  return null;
}

export class RowCounter implements KyselyPlugin {
  readonly tables = new Map<string, TableReads>();
  private readonly pending = new WeakMap<object, string>();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const table = tableOf(args.node);
    if (table) this.pending.set(args.queryId, table);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const table = this.pending.get(args.queryId);
    if (table) {
      const t = this.tables.get(table) ?? { reads: 0, rows: 0, maxRows: 0 };
      t.reads++;
      t.rows += args.result.rows.length;
      t.maxRows = Math.max(t.maxRows, args.result.rows.length);
      this.tables.set(table, t);
    }
    return args.result;
  }

  /** What was read from `table` (zeros when nothing was). */
  of(table: string): TableReads {
    return this.tables.get(table) ?? { reads: 0, rows: 0, maxRows: 0 };
  }

  reset(): void {
    this.tables.clear();
  }
}

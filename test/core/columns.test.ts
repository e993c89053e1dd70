import { describe, expect, it } from 'vitest';
import { guessColumns } from '../../src/core/columns';
import { SAMPLE_HEADERS } from '../../src/core/sample';

/** Role → header name, for roles that found a column. */
function named(headers: string[]): Record<string, string> {
  const g = guessColumns(headers);
  const out: Record<string, string> = {};
  for (const [role, i] of Object.entries(g)) if (i >= 0) out[role] = headers[i];
  return out;
}

describe('guessColumns', () => {
  it('maps a Zoho CRM leads export', () => {
    const headers = [
      'Record Id', 'Lead Owner', 'Company', 'First Name', 'Last Name', 'Email', 'Phone', 'Lead Source', 'Lead Status',
      'Industry', 'Annual Revenue', 'Created By', 'Created Time', 'Modified By', 'Modified Time', 'Last Activity Time',
    ];
    expect(named(headers)).toEqual({
      owner: 'Lead Owner',
      email: 'Email',
      source: 'Lead Source',
      status: 'Lead Status',
      arrived: 'Created Time',
      // the last activity is preferred over the last edit of the record
      lastActivity: 'Last Activity Time',
    });
  });

  it('maps the CRM sales-pipeline dataset (snake_case headers)', () => {
    const headers = ['opportunity_id', 'sales_agent', 'product', 'account', 'deal_stage', 'engage_date', 'close_date', 'close_value'];
    const g = guessColumns(headers);
    expect(g.owner).toBe(1);
    expect(g.status).toBe(4);
    expect(g.arrived).toBe(5);
    expect(g.value).toBe(7);
    expect(g.source).toBe(-1);
    expect(g.email).toBe(-1);
  });

  it('maps a HubSpot-style export, preferring Lead Status over Lifecycle Stage', () => {
    expect(named(['Record ID', 'Create Date', 'Lifecycle Stage', 'Lead Status', 'Original Source', 'Amount', 'Last Contacted'])).toEqual({
      arrived: 'Create Date',
      status: 'Lead Status',
      source: 'Original Source',
      value: 'Amount',
      lastActivity: 'Last Contacted',
    });
  });

  it('maps the sample sheet headers, one role each', () => {
    expect(named([...SAMPLE_HEADERS])).toEqual({
      email: 'Email',
      source: 'Lead Source',
      owner: 'Lead Owner',
      arrived: 'Created Time',
      status: 'Lead Status',
      value: 'Deal Value',
      lastActivity: 'Last Activity',
      firstResponse: 'First Response (hours)',
      attempts: 'Contact Attempts',
      nextStep: 'Next Step',
      outcome: 'Outcome',
    });
  });

  it('prefers the specific header over a generic one, wherever it stands', () => {
    const g = guessColumns(['Date', 'Stage', 'Created Time', 'Lead Status']);
    expect(g.arrived).toBe(2);
    expect(g.status).toBe(3);
  });

  it('ignores case, spacing, hyphens and underscores', () => {
    const g = guessColumns(['  LEAD-SOURCE ', 'lead_status', 'CREATED   TIME', 'E-mail']);
    expect(g.source).toBe(0);
    expect(g.status).toBe(1);
    expect(g.arrived).toBe(2);
    expect(g.email).toBe(3);
  });

  it('gives each column to one role at most', () => {
    const headers = ['Status', 'Stage', 'Value', 'Amount', 'Owner', 'Rep'];
    const g = guessColumns(headers);
    const used = Object.values(g).filter((i) => i >= 0);
    expect(new Set(used).size).toBe(used.length);
    expect(g.status).toBe(0);
    expect(g.value).toBe(3); // "amount" is a more specific hint than "value"
    expect(g.owner).toBe(4);
  });

  it('finds nothing in unrelated or blank headers', () => {
    const g = guessColumns(['Foo', '', null, undefined, 42]);
    expect(Object.values(g).every((i) => i === -1)).toBe(true);
    expect(Object.keys(g).sort()).toEqual(
      ['arrived', 'attempts', 'email', 'firstResponse', 'lastActivity', 'nextStep', 'outcome', 'owner', 'removedAt', 'source', 'status', 'value'],
    );
  });
});

describe('guessColumns: removal dates', () => {
  it('finds the date a deal closed or a lead was removed, after the arrival date', () => {
    const g = guessColumns(['opportunity_id', 'deal_stage', 'engage_date', 'close_date', 'close_value']);
    expect([g.arrived, g.status, g.removedAt, g.value]).toEqual([2, 1, 3, 4]);
    expect(guessColumns(['Created', 'Status', 'Date Disqualified']).removedAt).toBe(2);
  });
});

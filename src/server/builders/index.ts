/**
 * The sheet builders behind the menu's Build items. (Filled in by the builders work: funnel, net
 * lead flow and checklist sheets made of native formulas over the leads.)
 */
export const menuHandlers: Record<string, () => unknown> = {};
export const dialogCalls: Record<string, (request?: any) => unknown> = {};

/**
 * The Apps Script entry point. esbuild bundles this module as the global `LeadFlow`; build.mjs then
 * adds one top-level function per custom function, trigger, menu item and sidebar call, each
 * forwarding here, because Apps Script only sees top-level function declarations.
 */
import { callCustomFunction, registryMetadata } from '../functions/registry';
import { callEnv } from './env';
import * as builders from './builders';
import * as menu from './menu';
import * as setup from './setup';

export const registry = registryMetadata();

/** Every custom function call lands here: the registry checks the arguments and runs the formula. */
export function customFunction(name: string, args: unknown[]): unknown {
  return callCustomFunction(name, args, callEnv());
}

/** Simple triggers, by the names Apps Script calls. */
export const triggers = { onOpen: menu.onOpen, onInstall: menu.onInstall };

/** Menu item handlers, by the function names the menu refers to. */
export const menuHandlers = {
  leadflowOpenSidebar: menu.leadflowOpenSidebar,
  leadflowInsertSampleLeads: menu.leadflowInsertSampleLeads,
  leadflowShowHelp: menu.leadflowShowHelp,
  ...builders.menuHandlers,
};

/** What the sidebar may call through google.script.run (each takes one request object). */
export const sidebarCalls = {
  leadflowSetupState: setup.leadflowSetupState,
  leadflowCheckSetup: setup.leadflowCheckSetup,
  leadflowSaveSetup: setup.leadflowSaveSetup,
  leadflowRepairSetup: setup.leadflowRepairSetup,
  leadflowRepairDayOrder: setup.leadflowRepairDayOrder,
  ...builders.dialogCalls,
};

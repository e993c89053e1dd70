/**
 * The pipelines of the CRMs our users export from, as each CRM ships them: its default stages in
 * its own order, with the spellings its exports write (labels and internal values), its exits, its
 * win and its loss. An exit whose stage is not recorded by the CRM ("Closed Lost" on a deal that
 * could have been lost at any step) leaves after the first stage: the funnel claims no more than
 * the lead's other data (stage dates, flags, the stage column of a won/lost export) shows.
 */
import { DEFAULT_PIPELINE } from '../defaults';
import type { PipelineDef } from '../pipeline';

export interface PipelineProfile {
  id: string;
  /** How the report and the sidebar name where the pipeline came from. */
  label: string;
  /** Where each stage sits on LeadFlow's common scale (see lexicon.ts), so unknown statuses can be slotted in. */
  ranks: number[];
  pipeline: PipelineDef;
  /**
   * Spellings only this CRM writes. A profile is considered only when at least two of them are
   * among the statuses, so a sheet that merely says "Qualification" is not taken for Salesforce.
   */
  signature: string[];
}

const stage = (name: string, ...aliases: string[]) => ({ name, aliases });
const exit = (name: string, from: string, removes: boolean, ...aliases: string[]) => ({ name, from, removes, aliases });

export const PROFILES: PipelineProfile[] = [
  {
    id: 'leadflow',
    label: "LeadFlow's default pipeline",
    ranks: [10, 30, 40, 60, 100],
    pipeline: DEFAULT_PIPELINE,
    signature: ['Arrived', 'Reviewed', 'Converted to Opportunity', 'Disqualified', 'Nurturing'],
  },
  {
    id: 'hubspot-lifecycle',
    label: 'HubSpot lifecycle stages',
    ranks: [5, 10, 40, 45, 60, 100],
    pipeline: {
      stages: [
        stage('Subscriber', 'subscriber'),
        stage('Lead', 'lead'),
        stage('Marketing Qualified Lead', 'marketingqualifiedlead', 'MQL'),
        stage('Sales Qualified Lead', 'salesqualifiedlead', 'SQL'),
        stage('Opportunity', 'opportunity'),
        stage('Customer', 'customer', 'Evangelist', 'evangelist'),
      ],
      exits: [],
    },
    signature: ['Subscriber', 'Marketing Qualified Lead', 'Sales Qualified Lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'Evangelist', 'Customer', 'Opportunity'],
  },
  {
    id: 'hubspot-deals',
    label: "HubSpot's default deal stages",
    ranks: [50, 55, 58, 65, 70, 100],
    pipeline: {
      stages: [
        stage('Appointment Scheduled', 'appointmentscheduled'),
        stage('Qualified To Buy', 'qualifiedtobuy'),
        stage('Presentation Scheduled', 'presentationscheduled'),
        stage('Decision Maker Bought-In', 'decisionmakerboughtin'),
        stage('Contract Sent', 'contractsent'),
        stage('Closed Won', 'closedwon'),
      ],
      exits: [exit('Closed Lost', 'Appointment Scheduled', true, 'closedlost')],
    },
    signature: ['Appointment Scheduled', 'Qualified To Buy', 'Presentation Scheduled', 'Decision Maker Bought-In', 'Contract Sent', 'appointmentscheduled', 'qualifiedtobuy', 'closedwon', 'closedlost'],
  },
  {
    id: 'salesforce-leads',
    label: "Salesforce's default lead statuses",
    ranks: [10, 30, 80],
    pipeline: {
      stages: [
        stage('Open - Not Contacted'),
        stage('Working - Contacted'),
        stage('Closed - Converted'),
      ],
      exits: [exit('Closed - Not Converted', 'Open - Not Contacted', true)],
    },
    signature: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'],
  },
  {
    id: 'salesforce-opportunities',
    label: "Salesforce's default opportunity stages",
    ranks: [10, 40, 50, 52, 54, 56, 60, 70, 100],
    pipeline: {
      stages: [
        stage('Prospecting'),
        stage('Qualification'),
        stage('Needs Analysis'),
        stage('Value Proposition'),
        stage('Id. Decision Makers', 'Identify Decision Makers', 'Id Decision Makers'),
        stage('Perception Analysis'),
        stage('Proposal/Price Quote', 'Proposal / Price Quote'),
        stage('Negotiation/Review', 'Negotiation / Review'),
        stage('Closed Won'),
      ],
      exits: [exit('Closed Lost', 'Prospecting', true)],
    },
    signature: ['Needs Analysis', 'Value Proposition', 'Id. Decision Makers', 'Perception Analysis', 'Proposal/Price Quote', 'Negotiation/Review'],
  },
  {
    id: 'zoho-deals',
    label: "Zoho CRM's default deal stages",
    ranks: [40, 50, 52, 54, 60, 70, 100],
    pipeline: {
      stages: [
        stage('Qualification'),
        stage('Needs Analysis'),
        stage('Value Proposition'),
        stage('Id. Decision Makers', 'Identify Decision Makers', 'Id Decision Makers'),
        stage('Proposal/Price Quote', 'Proposal / Price Quote'),
        stage('Negotiation/Review', 'Negotiation / Review'),
        stage('Closed Won'),
      ],
      exits: [
        exit('Closed Lost', 'Qualification', true),
        exit('Closed-Lost to Competition', 'Qualification', true, 'Closed Lost to Competition'),
      ],
    },
    signature: ['Needs Analysis', 'Value Proposition', 'Identify Decision Makers', 'Id. Decision Makers', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed-Lost to Competition'],
  },
  {
    id: 'zoho-leads',
    label: "Zoho CRM's default lead statuses",
    ranks: [10, 20, 30, 40, 80],
    pipeline: {
      stages: [
        stage('Not Contacted'),
        stage('Attempted to Contact'),
        stage('Contacted'),
        stage('Pre-Qualified', 'Pre Qualified'),
        stage('Converted'),
      ],
      exits: [
        exit('Junk Lead', 'Not Contacted', true),
        exit('Lost Lead', 'Not Contacted', true),
        exit('Not Qualified', 'Contacted', true),
        exit('Contact in Future', 'Contacted', false),
      ],
    },
    signature: ['Not Contacted', 'Attempted to Contact', 'Contact in Future', 'Junk Lead', 'Lost Lead', 'Pre-Qualified', 'Not Qualified'],
  },
  {
    id: 'pipedrive',
    label: "Pipedrive's default deal stages",
    ranks: [10, 30, 50, 60, 70, 100],
    pipeline: {
      stages: [
        stage('Lead In', 'Idea'),
        stage('Contact Made'),
        stage('Demo Scheduled', 'Needs Discovered', 'Needs Defined'),
        stage('Proposal Made', 'Proposal Presented'),
        stage('Negotiations Started', 'Negotiation', 'In Negotiation'),
        stage('Won', 'won'),
      ],
      exits: [exit('Lost', 'Lead In', true, 'lost')],
    },
    signature: ['Lead In', 'Contact Made', 'Demo Scheduled', 'Proposal Made', 'Negotiations Started', 'Needs Discovered', 'Proposal Presented'],
  },
];

/** The default pipeline, as the leads-pipeline guidance lays it out, with the spellings CRM exports use. */
import type { PipelineDef } from './pipeline';

export const DEFAULT_PIPELINE: PipelineDef = {
  stages: [
    { name: 'Arrived', aliases: ['New', 'Open', 'Lead', 'Not Contacted', 'Unread', 'Incoming', 'Raw'] },
    { name: 'Reviewed', aliases: ['Contacted', 'Attempted to Contact', 'Working', 'In Progress', 'Reviewing', 'Under Review'] },
    { name: 'Qualified', aliases: ['Pre Qualified', 'Prequalified', 'Qualification', 'MQL', 'SQL', 'Marketing Qualified', 'Sales Qualified'] },
    {
      name: 'Converted to Opportunity',
      aliases: ['Converted', 'Opportunity', 'Needs Analysis', 'Value Proposition', 'Id. Decision Makers', 'Perception Analysis', 'Proposal', 'Proposal/Price Quote', 'Negotiation', 'Negotiation/Review'],
    },
    { name: 'Closed-Won', aliases: ['Won', 'Deal Won', 'Customer', 'Signed', 'Paid', 'Payment Done', 'Enrolled'] },
  ],
  exits: [
    { name: 'Disqualified', from: 'Reviewed', aliases: ['Junk Lead', 'Junk', 'Unqualified', 'Not Qualified', 'Spam', 'Invalid'], removes: true },
    { name: 'Nurturing', from: 'Qualified', aliases: ['Nurture', 'Contact in Future', 'Not Ready', 'Recycled'], removes: false },
    { name: 'Closed-Lost', from: 'Converted to Opportunity', aliases: ['Deal Lost', 'Lost to Competition'], removes: true },
    // A plain "Lost" says the lead was lost, not where: it counts only as far as other data shows.
    { name: 'Lost', from: 'Arrived', aliases: ['Lost Lead'], removes: true },
  ],
};

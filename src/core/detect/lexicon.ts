/**
 * What a status word means when no CRM's own list knows it: the words people and trades use for
 * each step of a pipeline, in English, French, Spanish, German and Portuguese, placed on one
 * scale (10 new, 20 attempted, 30 contacted, 40 qualified, 50 meeting, 60 proposal, 70
 * negotiation, 80 converted, 100 won), and the words for leaving it (lost, disqualified, kept for
 * later). A status read this way is a guess: the sidebar and the report show it as one.
 */

import { isFlagSet } from '../evidence';

export type Meaning =
  | { kind: 'stage'; rank: number }
  /** An exit. `fromRank`: how far the word itself proves the lead got (a "not qualified" lead was looked at). */
  | { kind: 'exit'; removes: boolean; fromRank: number; family: 'lost' | 'disqualified' | 'later' };

/** Lower case, accents off, punctuation as spaces: "Contacté" and "contacte", "Closed-Won" and "closed won" meet. */
export function plainWords(text: unknown): string {
  return String(text ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const words = (list: string) => new RegExp(`(?:^| )(?:${list})(?: |$)`);

/** A meeting, demo or trial, and whether it is only booked or has taken place ("Trial booked" comes before "Trial done"). */
const MEETING = '(?:^| )(?:meeting|demo|trial|appointment|call|visit|site visit|viewing|consultation|rendez vous|rdv|reunion|cita|termin|reuniao|visita)';
const BOOKED = 'booked|scheduled|planned|set|requested|arranged|prevu|programado|agendado|geplant|vereinbart';
const HELD = 'done|attended|held|completed|had|taken|effectue|realise|realizado|realizada|durchgefuhrt';

/** In order: the first rule that matches decides. Exits come first so "not interested" is not "interested". */
const RULES: [RegExp, Meaning][] = [
  [words('not contacted|uncontacted|never contacted|a contacter|sin contactar|no contactado|nicht kontaktiert|nao contatado|nao contactado'), { kind: 'stage', rank: 10 }],
  [words('nurtur\\w*|contact in future|future contact|not ready|recycl\\w*|on hold|bad timing|call later|follow up later|later|a relancer|en attente|mas adelante|en espera|mais tarde|em espera|spater|zuruckgestellt'), { kind: 'exit', removes: false, fromRank: 30, family: 'later' }],
  [words('junk|spam|invalid|duplicate|fake|wrong number|test lead|doublon|duplicado|dublette'), { kind: 'exit', removes: true, fromRank: 10, family: 'disqualified' }],
  [words('disqualif\\w*|unqualif\\w*|not qualified|non qualifie\\w*|no calificado|no cualificado|descalificado|nicht qualifiziert|disqualifiziert|desqualificado|nao qualificado|bad fit|not a fit|no fit'), { kind: 'exit', removes: true, fromRank: 30, family: 'disqualified' }],
  [words('lost|loss|perdu|perdue|perdido|perdida|verloren|perso|persa|dead|cancel+ed|annule\\w*|cancelado|cancelada|storniert|not interested|pas interesse\\w*|no interesado|kein interesse|sem interesse|nao interessado|declined|rejected|refused|no show|churned|abandon\\w*|closed not converted'), { kind: 'exit', removes: true, fromRank: 10, family: 'lost' }],
  [words('won|win|closed won|deal won|customer|customers|client|clients|paid|payment done|payment received|payment complete\\w*|enrolled|enrol+ment|signed|contract signed|delivered|purchased|sold|evangelist|gagne\\w*|signe\\w*|paye\\w*|vendu\\w*|ganado|ganada|vendido|vendida|pagado|pagada|cerrado ganado|gewonnen|bezahlt|verkauft|abgeschlossen|ganho|ganha|fechado|fechada|pago|matriculado|matriculada|inscrit|inscrite|inscrito|inscrita|cliente|kunde'), { kind: 'stage', rank: 100 }],
  [words('converted|conversion|converti\\w*|convertido|convertida|konvertiert'), { kind: 'stage', rank: 80 }],
  [words('negotiat\\w*|contract sent|contract|commit\\w*|verbal\\w*|negociation|negociacion|negociacao|verhandlung\\w*|closing'), { kind: 'stage', rank: 70 }],
  [words('decision\\w*'), { kind: 'stage', rank: 65 }],
  [words('proposal\\w*|quote\\w*|quotation|offer\\w*|proposition\\w*|devis|propuesta|presupuesto|cotizacion|angebot\\w*|proposta|orcamento|pricing|price quote'), { kind: 'stage', rank: 60 }],
  [new RegExp(`${MEETING} (?:${BOOKED})(?: |$)|(?:^| )(?:${BOOKED}) ${MEETING}`), { kind: 'stage', rank: 48 }],
  [new RegExp(`${MEETING} (?:${HELD})(?: |$)|(?:^| )(?:${HELD}) ${MEETING}`), { kind: 'stage', rank: 52 }],
  [words('meeting\\w*|demo\\w*|discovery|needs analysis|needs|analysis|appointment\\w*|presentation|call scheduled|rendez vous|rdv|reunion|cita|termin|reuniao|visit\\w*|trial|opportunity|opportunities|opportunite|oportunidad|oportunidade|chance'), { kind: 'stage', rank: 50 }],
  [words('qualif\\w*|calificad\\w*|cualificad\\w*|mql|sql|marketing qualified|sales qualified|interested|interesse\\w*|interesad\\w*|interessiert|interessad\\w*'), { kind: 'stage', rank: 40 }],
  [words('attempt\\w*|tried|no answer|call back|callback|voicemail|left message|tentative|intentado|intento|versucht|tentativa'), { kind: 'stage', rank: 20 }],
  [words('contacted|contact made|contact|working|engag\\w*|in progress|connected|reached|replied|responded|response|talking|follow up|following up|followup|in contact|contacte\\w*|en cours|contactado|contactada|en proceso|kontaktiert|in bearbeitung|kontakt|contatado|contatada|em andamento|em contato|called|spoke|answered'), { kind: 'stage', rank: 30 }],
  [words('new|open|lead|leads|raw|unread|incoming|fresh|enquiry|inquiry|prospect\\w*|subscriber|nouveau|nouvelle|nuevo|nueva|neu|novo|nova|nuovo|lead in|untouched|assigned|unassigned|received|entrant'), { kind: 'stage', rank: 10 }],
];

/** The meaning of one status text, or undefined when no rule knows it. */
export function meaningOf(status: unknown): Meaning | undefined {
  const text = plainWords(status);
  if (!text) return undefined;
  for (const [re, meaning] of RULES) if (re.test(text)) return meaning;
  return undefined;
}

/** A yes/no cell: a stage flag's yes (see evidence.ts) or one of the ways of writing no. */
const NO = new Set(['no', 'n', 'false', '0', 'non', 'nein', 'nao', 'faux', 'falso', 'falsch', '-']);

export function isYesOrNo(v: unknown): boolean {
  if (typeof v === 'boolean') return true;
  if (typeof v === 'number') return v === 0 || v === 1;
  return typeof v === 'string' && (isFlagSet(v) || NO.has(plainWords(v)));
}

/** The values of a won/lost column (Pipedrive's "Deal - Status", Zoho's "Forecast Type"). */
export function outcomeWord(v: unknown): 'won' | 'lost' | 'open' | undefined {
  const t = plainWords(v);
  if (/^(open|opened|in progress|pending|active|ouvert|en cours|abierto|abierta|offen|aberto|aberta|em aberto)$/.test(t)) return 'open';
  const m = meaningOf(t);
  if (m?.kind === 'stage' && m.rank === 100) return 'won';
  if (m?.kind === 'exit' && m.family === 'lost') return 'lost';
  return undefined;
}

/** Invented people, companies and contact details. Every email is @example.test; phones use 555-01xx style fictional ranges. */
import type { Rng } from './prng.ts';

export type Locale = 'en' | 'fr' | 'de' | 'es' | 'pt';

const FIRST: Record<Locale, string[]> = {
  en: ['Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Ethan', 'Sophia', 'Mason', 'Mia', 'Lucas', 'Harper', 'Logan', 'Amelia', 'Caleb', 'Nora', 'Owen', 'Chloe', 'Wyatt', 'Zoe', 'Isaac', 'Leah', 'Miles', 'Ruby', 'Theo', 'Hazel', 'Adrian', 'Ivy', 'Jonah', 'Clara', 'Felix', 'José', 'Zoë'],
  fr: ['Camille', 'Julien', 'Léa', 'Hugo', 'Chloé', 'Louis', 'Manon', 'Théo', 'Inès', 'Nathan', 'Élodie', 'Mathieu', 'Océane', 'Raphaël', 'Anaïs', 'Baptiste', 'Gaëlle', 'Jérôme'],
  de: ['Lukas', 'Anna', 'Jonas', 'Lea', 'Felix', 'Marie', 'Paul', 'Sophie', 'Maximilian', 'Hannah', 'Jürgen', 'Jörg', 'Sabine', 'Björn', 'Käthe', 'Till'],
  es: ['Lucía', 'Hugo', 'Martina', 'Mateo', 'Sofía', 'Leo', 'Paula', 'Daniel', 'Valeria', 'Álvaro', 'Carmen', 'Javier', 'Begoña', 'Íñigo'],
  pt: ['João', 'Maria', 'Ana', 'Pedro', 'Luíza', 'Gabriel', 'Júlia', 'Rafael', 'Beatriz', 'Lucas', 'Conceição', 'Antônio', 'Thaís', 'Vinícius'],
};

const LAST: Record<Locale, string[]> = {
  en: ['Ashby', 'Brookfield', 'Calloway', 'Dunmore', 'Ellery', 'Fairhurst', 'Garland', 'Holloway', 'Ingram', 'Jessop', 'Kendrick', 'Langley', 'Marlowe', 'Norcott', 'Oakes', 'Pemberton', 'Quill', 'Radley', 'Stanton', 'Thornbury', 'Upton', 'Vance', 'Whitlock', 'Yardley', "O'Rourke", 'Núñez'],
  fr: ['Martin', 'Bernard', 'Dubois', 'Lefèvre', 'Moreau', 'Garnier', 'Faure', 'Rousseau', 'Chevalier', 'Fontaine', 'Mercier', 'Gauthier', 'Lemaître', 'Da Costa'],
  de: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Köhler', 'Weiß', 'Groß'],
  es: ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Muñoz', 'Núñez', 'Ibáñez', 'Peña'],
  pt: ['Silva', 'Santos', 'Oliveira', 'Souza', 'Rodrigues', 'Ferreira', 'Alves', 'Pereira', 'Lima', 'Gonçalves', 'Araújo', 'Simões', 'Conceição'],
};

const COMPANY: Record<Locale, { a: string[]; b: string[]; suffix: string[] }> = {
  en: {
    a: ['Bluefield', 'Northgate', 'Harborline', 'Pinecrest', 'Silverline', 'Redwood', 'Stonebridge', 'Brightwater', 'Maplewood', 'Ironclad', 'Kestrel', 'Lakeshore', 'Oakridge', 'Summit', 'Tidewater'],
    b: ['Analytics', 'Logistics', 'Dental', 'Builders', 'Software', 'Consulting', 'Foods', 'Media', 'Solar', 'Supplies', 'Clinics', 'Robotics', 'Studios', 'Outfitters'],
    suffix: ['Inc.', 'LLC', 'Ltd', 'Co.', '', '', 'Group'],
  },
  fr: {
    a: ['Atelier', 'Maison', 'Cabinet', 'Boulangerie', 'Garage', 'Studio', 'Agence', 'Menuiserie', 'Pharmacie'],
    b: ['du Port', 'Lumière', 'des Tilleuls', 'Saint-Éloi', 'Beauséjour', 'du Marché', 'Bellevue', 'des Quatre Vents', 'Étoile'],
    suffix: ['SARL', 'SAS', 'EURL', '', ''],
  },
  de: {
    a: ['Bäckerei', 'Autohaus', 'Praxis', 'Druckerei', 'Tischlerei', 'Agentur', 'Brauerei', 'Kanzlei'],
    b: ['Lindenhof', 'am Markt', 'Nordlicht', 'Sonnental', 'Eichenweg', 'Rheinblick', 'Mühlbach', 'Fuchsbau'],
    suffix: ['GmbH', 'GmbH & Co. KG', 'e.K.', 'KG', ''],
  },
  es: {
    a: ['Talleres', 'Clínica', 'Estudio', 'Panadería', 'Construcciones', 'Bodegas', 'Academia', 'Gestoría'],
    b: ['del Sur', 'La Encina', 'Mirasol', 'Los Olivos', 'Peñalara', 'Alborada', 'El Faro', 'Brisamar'],
    suffix: ['S.L.', 'S.A.', 'S.L.U.', ''],
  },
  pt: {
    a: ['Padaria', 'Oficina', 'Clínica', 'Estúdio', 'Construtora', 'Distribuidora', 'Escola', 'Agência'],
    b: ['Boa Vista', 'São Jorge', 'Aurora', 'Ipê Amarelo', 'Bem-te-vi', 'Maré Alta', 'Cerrado', 'Jacarandá'],
    suffix: ['Ltda', 'ME', 'Eireli', 'S.A.', ''],
  },
};

export function firstName(rng: Rng, loc: Locale): string {
  return rng.pick(FIRST[loc]);
}

export function lastName(rng: Rng, loc: Locale): string {
  return rng.pick(LAST[loc]);
}

export function fullName(rng: Rng, loc: Locale): string {
  return `${firstName(rng, loc)} ${lastName(rng, loc)}`;
}

export function company(rng: Rng, loc: Locale): string {
  const c = COMPANY[loc];
  const base = `${rng.pick(c.a)} ${rng.pick(c.b)}`;
  const suffix = rng.pick(c.suffix);
  // English registrations are often written "Name, Inc."
  if (loc === 'en' && suffix === 'Inc.' && rng.chance(0.5)) return `${base}, Inc.`;
  return suffix ? `${base} ${suffix}` : base;
}

export function email(n: number, prefix = 'lead'): string {
  return `${prefix}${n}@example.test`;
}

/** A fictional phone number in a reserved-for-fiction style. */
export function phone(rng: Rng, loc: Locale): string {
  const tail = String(rng.int(100, 199)).padStart(4, '0');
  switch (loc) {
    case 'en':
      return `+1 ${rng.pick(['202', '312', '415', '617', '303'])}-555-${tail}`;
    case 'fr':
      return `06 00 00 ${tail.slice(0, 2)} ${tail.slice(2)}`;
    case 'de':
      return `0170 000${tail}`;
    case 'es':
      return `600 000 ${tail.slice(1)}`;
    case 'pt':
      return `(11) 90000-${tail}`;
  }
}

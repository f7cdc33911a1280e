// The built-in word lists of the name transformers (src/steps/mask-sql.ts). Plain ASCII, so a
// masked name is never mistaken for a real one by the leak check's exclusion of these words.
export const FIRST_NAMES = [
  'Avery', 'Blake', 'Cameron', 'Dakota', 'Emerson', 'Finley', 'Harper', 'Hayden', 'Jamie', 'Jordan',
  'Kendall', 'Logan', 'Morgan', 'Parker', 'Quinn', 'Reese', 'Riley', 'Rowan', 'Sawyer', 'Skyler',
  'Taylor', 'Alexis', 'Casey', 'Drew', 'Ellis', 'Frankie', 'Gray', 'Hollis', 'Indigo', 'Jessie',
  'Kai', 'Lane', 'Marlowe', 'Noel', 'Oakley', 'Peyton', 'River', 'Sage', 'Tatum', 'Wren',
] as const;

export const LAST_NAMES = [
  'Abbott', 'Bennett', 'Carver', 'Dalton', 'Ellison', 'Fletcher', 'Garner', 'Hastings', 'Ingram', 'Jennings',
  'Keller', 'Lawson', 'Mercer', 'Norris', 'Osborne', 'Prescott', 'Quimby', 'Ramsey', 'Sutton', 'Thornton',
  'Underwood', 'Vaughn', 'Whitaker', 'Yates', 'Ashby', 'Barlow', 'Colby', 'Dunmore', 'Everett', 'Fairfax',
  'Gilmore', 'Holloway', 'Kingsley', 'Langley', 'Marsden', 'Northcott', 'Pembroke', 'Radcliffe', 'Stanton', 'Wexford',
] as const;

/** The phone transformer's numbers: +1-555-01xx-style fictional numbers, seven digits after the prefix. */
export const PHONE_PREFIX = '+1-555-';

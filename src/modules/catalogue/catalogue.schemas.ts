/** JSON Schemas of the catalogue API: they validate input, shape output and generate the OpenAPI document. */
export const searchQuerySchema = {
  type: 'object',
  properties: {
    q: { type: 'string', maxLength: 200, description: 'Words to look for; diacritics and small typos are tolerated, e.g. "dang ky khai sinh".' },
    sector: { type: 'string', description: 'Sector slug, e.g. "ho-tich" (see /api/v1/sectors).' },
    level: { type: 'string', enum: ['ministry', 'province', 'commune', 'other'], description: 'Implementing level.' },
    online: { type: 'string', enum: ['any', 'full', 'partial'], description: 'Only procedures offered online (any), fully online, or partly online.' },
    page: { type: 'string', pattern: '^[0-9]{1,4}$', description: 'Page number, from 1.' },
    pageSize: { type: 'string', pattern: '^[0-9]{1,3}$', description: 'Results per page, 1 to 100 (default 20).' },
  },
  additionalProperties: false,
} as const;

export const procedureSummarySchema = {
  type: 'object',
  properties: {
    code: { type: 'string', description: 'National procedure code.' },
    name: { type: 'string' },
    sector: { type: 'object', properties: { name: { type: 'string' }, slug: { type: 'string' } } },
    levels: { type: 'array', items: { type: 'string' } },
    onlineOffered: { type: 'boolean' },
    serviceLevel: { type: ['string', 'null'], enum: ['full', 'partial', null], description: 'Decree 42/2022/NĐ-CP art. 11.' },
    minDurationDays: { type: ['number', 'null'], description: 'Shortest statutory duration over channels, in working days.' },
    hasFee: { type: ['boolean', 'null'], description: 'null when the catalogue does not state it.' },
    handlingAgency: { type: 'string' },
  },
} as const;

export const procedureDetailSchema = {
  type: 'object',
  properties: {
    ...procedureSummarySchema.properties,
    competentAgency: { type: 'string' },
    applicantTypes: { type: 'array', items: { type: 'string' } },
    version: {
      type: 'object',
      properties: { number: { type: 'integer' }, decisionNumber: { type: 'string' }, effectiveFrom: { type: 'string', format: 'date' } },
    },
    content: { type: 'object', additionalProperties: true, description: 'Parsed channels, requirements, steps, conditions, legal bases and results.' },
    raw: { type: 'object', additionalProperties: true, description: 'The record as published, field by field.' },
    agencies: {
      type: 'array',
      items: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' }, address: { type: ['string', 'null'] }, kind: { type: 'string' } } },
    },
    guide: {
      type: ['object', 'null'],
      properties: { summary: { type: 'string' }, body: { type: 'string' }, videoUrl: { type: ['string', 'null'] }, imageUrls: { type: 'array', items: { type: 'string' } } },
    },
    sourceUrl: { type: 'string' },
  },
} as const;

export const sectorSchema = {
  type: 'object',
  properties: { name: { type: 'string' }, slug: { type: 'string' }, count: { type: 'integer' } },
} as const;

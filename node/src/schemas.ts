/** JSON Schemas shared by the node's route modules. */

/** `?limit=&cursor=` of the paged list routes. */
export const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'string', pattern: '^[0-9]{1,6}$' },
    cursor: { type: 'string', maxLength: 2000 }
  }
} as const

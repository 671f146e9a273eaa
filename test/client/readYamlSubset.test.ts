import { describe, expect, it } from 'vitest';
import { readYamlSubset } from './readYamlSubset';

describe('readYamlSubset', () => {
  it('reads mappings, sequences, quoted keys, block scalars and scalar types', () => {
    const source = [
      '# a comment',
      "paths:",
      "  '/v3/user/{uid}/presence':",
      '    get:',
      '      summary: Get presence: of a user',
      '      parameters:',
      '      - name: uid',
      '        in: path',
      '        required: true',
      '      - name: local',
      '        description: |',
      '            line one',
      '              indented',
      '',
      '            after blank',
      '        default: false',
      '      responses:',
      "        '200':",
      '          examples:',
      '            application/json:',
      '              - category: AVAILABLE',
      '                userId: 14568529068038',
      '              - category: OFFLINE',
      '  other: \'it\'\'s\'',
      'list:',
      '  - 1',
      '  - "two"',
      '  -',
      '    nested: ~',
      'empty:',
    ].join('\n');
    expect(readYamlSubset(source)).toEqual({
      paths: {
        '/v3/user/{uid}/presence': {
          get: {
            summary: 'Get presence: of a user',
            parameters: [
              { name: 'uid', in: 'path', required: true },
              { name: 'local', description: 'line one\n  indented\n\nafter blank\n', default: false },
            ],
            responses: {
              '200': {
                examples: {
                  'application/json': [{ category: 'AVAILABLE', userId: 14568529068038 }, { category: 'OFFLINE' }],
                },
              },
            },
          },
        },
        other: "it's",
      },
      list: [1, 'two', { nested: null }],
      empty: null,
    });
  });

  it('keeps integers beyond 2^53 as strings', () => {
    expect(readYamlSubset('id: 9223372036854775807')).toEqual({ id: '9223372036854775807' });
  });

  it.each([
    ['a flow mapping', 'a: {b: 1}'],
    ['a flow sequence', 'a: [1, 2]'],
    ['an anchor', 'a: &x 1'],
    ['a folded scalar', 'a: >\n  text'],
    ['a duplicate key', 'a: 1\na: 2'],
    ['broken indentation', 'a:\n    b: 1\n  c: 2'],
    ['a second document', 'a: 1\n---\nb: 2'],
    ['a line that is no entry', 'a: 1\njust text'],
  ])('refuses %s', (_label, source) => {
    expect(() => readYamlSubset(source)).toThrow();
  });
});

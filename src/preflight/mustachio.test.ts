import { describe, expect, it } from 'vitest';

import { mustachioLimits, readTemplate } from './mustachio.js';

describe('readTemplate', () => {
  it.each([
    ['Your code is {{code}}.', ['code'], ['code']],
    ['{{ code }} and {{{ link }}}', ['code', 'link'], ['code', 'link']],
    ['{{& link}}', ['link'], ['link']],
    ['Hi {{ user.name }}', ['user.name'], ['user.name']],
    [
      '{{#organization}}{{name}}{{/organization}}',
      ['organization', 'organization.name'],
      ['organization.name'],
    ],
    ['{{#code}}{{.}}{{/code}}', ['code'], ['code']],
    ['{{#each items}}{{title}} {{.}}{{/each}}', ['items', 'items.title'], ['items.title', 'items']],
    ['{{^inviter}}Someone{{/inviter}} invited {{email}}', ['inviter', 'email'], ['email']],
    ['{{#user}}{{../code}}{{/user}}', ['user', 'code'], ['code']],
    ['{{#a}}{{#b}}{{c.d}}{{/b}}{{/a}}', ['a', 'a.b', 'a.b.c.d'], ['a.b.c.d']],
    ['<main>{{{@content}}}</main>', [], []],
    ['{{! a comment with {{code}} }} {{> partial}}', [], []],
    ['{{#unless}}', ['unless'], []],
    ['{{#each items}}{{this}}{{/each}}', ['items'], ['items']],
    ['{{#each  items }}{{title}}{{/each}}', ['items', 'items.title'], ['items.title']],
    ['{{^each items}}none{{/each}}', [], []],
    ['{{^inviter}}{{name}}{{/inviter}}', ['inviter', 'name'], ['name']],
    ['{{#a}}{{#b}}{{../../code}}{{/b}}{{/a}}', ['a', 'a.b', 'code'], ['code']],
    ['{{#user}}{{../../code}}{{/user}} {{code}}', ['user', 'code'], ['code']],
    ['{{#user}}{{../../../code}}{{/user}}', ['user'], []],
    ['{{user.@index}} {{@index}} {{}}', [], []],
    ['{{ #a }}{{b}}{{ /a }}{{c}}', ['a', 'a.b', 'c'], ['a.b', 'c']],
    // Triple braces open no section: a `#` inside them is part of the name, which is then no name.
    ['{{{#x}}}{{y}}', ['y'], ['y']],
    // As in Mustachio, `&` may start a triple-brace tag too, and only prints.
    ['{{{&x}}} {{{ & y }}}', ['x', 'y'], ['x', 'y']],
    // Only a leading `&`: `{{{/&}}}` closes no section, it names nothing.
    ['{{#a}}{{{/&}}}{{b}}{{/a}}', ['a', 'a.b'], ['a.b']],
    ['{{#a}}{{#b}}{{/b}}{{c}}{{/a}}', ['a', 'a.b', 'a.c'], ['a.c']],
    ['{{#a}}{{#b}}{{^c}}{{d}}{{/c}}{{/b}}{{/a}}', ['a', 'a.b', 'a.b.c', 'a.b.d'], ['a.b.d']],
  ])('reads %j', (text, used, shown) => {
    const reading = readTemplate(text);
    expect(reading.used).toEqual(used);
    expect(reading.shown).toEqual(shown);
    expect(reading.problem).toBeUndefined();
  });

  it.each([
    ['{{code', []],
    ['{{{code}}', []],
    ['}} {{code}} {{', ['code']],
    ['{{ not a name }} {{code}}', ['code']],
    ['{{/x}}{{/y}}{{code}}', ['code']],
    ['{{#x}}{{code}}', ['x', 'x.code']],
    ['{{x{{}} {{code}}', ['code']],
    ['{{{x{{}}} {{code}}', ['code']],
  ])('tolerates the broken text %j', (text, used) => {
    expect(readTemplate(text).used).toEqual(used);
  });

  it('does not take a code that is only tested for shown', () => {
    expect(readTemplate('{{#code}}You have a code.{{/code}}').shown).toEqual([]);
  });

  it(`reads sections nested ${mustachioLimits.depth} deep`, () => {
    const sections = Array.from({ length: mustachioLimits.depth }, (_, i) => 'a.'.repeat(i) + 'a');
    const code = `${'a.'.repeat(mustachioLimits.depth)}code`;
    expect(readTemplate('{{#a}}'.repeat(mustachioLimits.depth) + '{{code}}')).toEqual({
      used: [...sections, code],
      shown: [code],
    });
  });

  it(`stops at sections nested deeper than ${mustachioLimits.depth}`, () => {
    const text = '{{#a}}'.repeat(mustachioLimits.depth + 1) + '{{code}}';
    expect(readTemplate(text).problem).toBe(`nests sections deeper than ${mustachioLimits.depth}`);
    expect(readTemplate('{{#a}}{{/a}}'.repeat(1000)).problem).toBeUndefined();
  });

  it(`stops after ${mustachioLimits.variables} variables`, () => {
    const text = Array.from({ length: mustachioLimits.variables + 2 }, (_, i) => `{{v${i}}}`).join(
      ''
    );
    expect(readTemplate(text).problem).toBe(
      `uses more than ${mustachioLimits.variables} variables`
    );
  });

  it(`reads names of up to ${mustachioLimits.name} characters`, () => {
    const name = 'n'.repeat(mustachioLimits.name);
    expect(readTemplate(`{{${name}}} {{${name}x}}`).used).toEqual([name]);
  });

  it(`reads ${mustachioLimits.variables} variables`, () => {
    const text = Array.from({ length: mustachioLimits.variables }, (_, i) => `{{v${i}}}`).join('');
    const reading = readTemplate(text);
    expect(reading.problem).toBeUndefined();
    expect(reading.used).toHaveLength(mustachioLimits.variables);
  });

  it('reads text as long as its cap', () => {
    const text = `{{code}}${'x'.repeat(mustachioLimits.text - 8)}`;
    expect(text).toHaveLength(mustachioLimits.text);
    expect(readTemplate(text)).toEqual({ used: ['code'], shown: ['code'] });
  });

  it('refuses text over its cap without reading it', () => {
    const reading = readTemplate('x'.repeat(mustachioLimits.text + 1));
    expect(reading).toEqual({
      used: [],
      shown: [],
      problem: `is longer than ${mustachioLimits.text} characters`,
    });
  });

  it('reads a template of several hundred kilobytes', () => {
    const block = '<tr><td style="padding:8px">{{product_name}} {{{ code }}}</td></tr>\n';
    const text = block.repeat(Math.ceil((600 * 1024) / block.length));
    expect(text.length).toBeGreaterThan(600 * 1024);
    expect(readTemplate(text)).toEqual({
      used: ['product_name', 'code'],
      shown: ['product_name', 'code'],
    });
  });

  const timeToRead = (text: string) => {
    const start = performance.now();
    readTemplate(text);
    return performance.now() - start;
  };

  /**
   * Linear by growth: sixteen times the text takes about sixteen times as long, where quadratic
   * work would take 256 times (and hours at the cap). The absolute cap is only a backstop, loose
   * enough for a shared machine and for instrumented code.
   */
  const settlesLinearly = (make: (size: number) => string) => {
    const full = make(mustachioLimits.text).slice(0, mustachioLimits.text);
    const sixteenth = make(mustachioLimits.text / 16).slice(0, mustachioLimits.text / 16);
    const small = timeToRead(sixteenth);
    const large = timeToRead(full);
    expect(large).toBeLessThan(Math.max(small, 10) * 64);
    expect(large).toBeLessThan(15_000);
  };

  it.each([
    ['open braces only', (size: number) => '{{'.repeat(size / 2)],
    ['one open tag then text', (size: number) => '{{' + 'a'.repeat(size)],
    ['open triple braces', (size: number) => '{{{x}}'.repeat(size / 6)],
    ['closers only', (size: number) => '}}'.repeat(size / 2)],
    ['sections opened and closed', (size: number) => '{{#a}}{{b}}{{/a}}'.repeat(size / 17)],
    ['many parent steps', (size: number) => `{{${'../'.repeat(size / 3)}x}}`],
    ['long names', (size: number) => `{{${'a.'.repeat(size / 2)}b}}`],
  ])('settles %s in linear time', (_, make) => {
    settlesLinearly(make);
  });
});

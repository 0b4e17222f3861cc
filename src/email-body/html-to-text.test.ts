import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { htmlToText } from './html-to-text.js';

const email = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Your verification code</title>
  <style>
    body { font-family: Arial, sans-serif; }
    .button > a { background: #4f46e5; color: #ffffff; }
  </style>
  <!--[if mso]><xml><o:OfficeDocumentSettings><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml><![endif]-->
</head>
<body style="margin: 0; padding: 0;">
  <table role="presentation" width="100%" cellpadding="0" cellspacing="0">
    <tr>
      <td align="center">
        <img src="https://acme.example/logo.png" alt="Acme" width="120">
      </td>
    </tr>
    <tr>
      <td style="padding: 24px;">
        <h1 style="font-size: 24px;">Verify your email</h1>
        <p>Hi there,</p>
        <p>Use this code to finish signing in to <strong>Acme</strong>:</p>
        <p style="font-size: 32px; letter-spacing: 8px;"><b>123456</b></p>
        <p>The code expires in 10&nbsp;minutes.
           Or open this link:</p>
        <table role="presentation" cellpadding="0" cellspacing="0"><tr><td class="button">
          <a href="https://acme.example/verify?code=123456&amp;lang=en" target="_blank"
             style="display: inline-block; padding: 12px 24px;">Verify email &rarr;</a>
        </td></tr></table>
        <p>If you didn&rsquo;t ask for this, you can:</p>
        <ul>
          <li>ignore this email, or</li>
          <li>tell us at <a href="mailto:security@acme.example">security@acme.example</a>.</li>
        </ul>
      </td>
    </tr>
    <tr>
      <td style="font-size: 12px; color: #6b7280;">
        <hr>
        <p>&copy; 2026 Acme &amp; Co &middot; 1 Main St, Springfield<br>
          You got this email because you signed up at <a href="https://acme.example/">acme.example</a>.
          <a href="mailto:unsubscribe@acme.example?subject=Unsubscribe">Unsubscribe</a></p>
      </td>
    </tr>
  </table>
  <img src="https://acme.example/open.gif" width="1" height="1">
  <script>track("<p>not text</p>");</script>
</body>
</html>
`;

describe('htmlToText', () => {
  it('turns a transactional email into its plain-text part', () => {
    expect(htmlToText(email)).toBe(
      [
        'Acme',
        '',
        'Verify your email',
        '',
        'Hi there,',
        '',
        'Use this code to finish signing in to Acme:',
        '',
        '123456',
        '',
        'The code expires in 10 minutes. Or open this link:',
        '',
        'Verify email → (https://acme.example/verify?code=123456&lang=en)',
        '',
        'If you didn’t ask for this, you can:',
        '',
        '- ignore this email, or',
        '- tell us at security@acme.example.',
        '',
        '------------------------',
        '',
        '© 2026 Acme & Co · 1 Main St, Springfield',
        'You got this email because you signed up at acme.example. Unsubscribe (unsubscribe@acme.example)',
      ].join('\n')
    );
  });

  describe('leaves out what a reader never sees', () => {
    it.each([
      ['head', '<head><title>Title</title><style>p { color: red }</style></head><p>Body</p>'],
      ['script', '<script type="module">if (a <b && c> d) { x("</p>") }</script><p>Body</p>'],
      ['script in capitals', '<SCRIPT>hidden</SCRIPT ><p>Body</p>'],
      ['template', '<template><p>Row</p></template><p>Body</p>'],
      ['noscript', '<noscript><img alt="pixel"></noscript><p>Body</p>'],
      ['comment', '<!-- a <p>comment</p> --><p>Body</p>'],
      ['conditional comment', '<!--[if mso]><p>Outlook</p><![endif]--><p>Body</p>'],
      ['doctype and declarations', '<!DOCTYPE html><?xml version="1.0"?><![CDATA[x]]><p>Body</p>'],
      ['`>` inside a quoted attribute', '<p title="a > b" class=\'c>d\'>Body</p>'],
      ['a stray quote after an attribute', '<p style="color: red"">Body</p>'],
    ])('%s', (_, html) => {
      expect(htmlToText(html)).toBe('Body');
    });

    it('ends a script only at its own end tag', () => {
      expect(htmlToText('<script>a = "</scripts>"; b = "</p>"</script>Body')).toBe('Body');
    });

    it('drops the rest of the input after an unclosed comment, script or tag, as browsers do', () => {
      expect(htmlToText('Body<!-- never closed <p>x</p>')).toBe('Body');
      expect(htmlToText('Body<style>p { color: red }')).toBe('Body');
      expect(htmlToText('Body<a href="x')).toBe('Body');
    });

    // A `>` inside a quoted value is part of it, so a tag the input ends in there never closes.
    it.each([
      ['<a href="x>', ''],
      ["<a href='x>", ''],
      ['Body<img alt="x>', 'Body'],
      ["Body<img alt='x>", 'Body'],
      ['<a href="x>y">go</a>', 'go (x>y)'],
      ["<a href='x>y'>go</a>", 'go (x>y)'],
      ['<img alt="x>y">', 'x>y'],
      ["<img alt='x>y'>", 'x>y'],
      ['<a x=b="c href="y>go</a>', ''],
      ["<a ='href=\"y' href='z'>go</a>", ''],
      ['<a b/="href=\'y">go</a>', ''],
    ])('closes %j only after its quoted value', (html, text) => {
      expect(htmlToText(html)).toBe(text);
    });
  });

  describe('decodes character references', () => {
    it.each([
      ['&amp; &lt; &gt; &quot; &apos;', '& < > " \''],
      ['&copy; &reg; &trade; &hellip; &mdash; &ndash;', '© ® ™ … — –'],
      ['&laquo;a&raquo; &lsquo;b&rsquo; &ldquo;c&rdquo;', '«a» ‘b’ “c”'],
      ['&euro;5 &pound;5 &yen;5 &cent;', '€5 £5 ¥5 ¢'],
      [
        '&eacute;t&eacute; &Uuml;ber gro&szlig; ma&ntilde;ana &times; &divide; &deg;',
        'été Über groß mañana × ÷ °',
      ],
      ['&#65;&#x42;&#X43;&#x1F600;', 'ABC😀'],
      ['&#65 &#x42 no semicolon', 'A B no semicolon'],
      ['&#0; &#xD800; &#x110000; &#99999999999999999999;', '\uFFFD \uFFFD \uFFFD \uFFFD'],
      ['&unknown; &amp &copy &', '&unknown; &amp &copy &'],
      ['&amp;lt; is decoded once', '&lt; is decoded once'],
      // The edges of what a code point may be: the last one, and either side of the surrogates.
      ['&#x10FFFF;|&#xD7FF;|&#xD800;|&#xDFFF;|&#xE000;', '\u{10FFFF}|\uD7FF|\uFFFD|\uFFFD|\uE000'],
      ['&#1;|&#x0;', '\u0001|\uFFFD'],
      // The first and the last of the Latin-1 names, which stand for U+00A0 to U+00FF in order.
      ['a&nbsp;b &iexcl; &thorn; &yuml;', 'a b ¡ þ ÿ'],
      ['&AMP; &Copy;', '&AMP; &Copy;'],
    ])('%s', (html, text) => {
      expect(htmlToText(html)).toBe(text);
    });

    it('keeps a no-break space inside <pre> and reads it as a space elsewhere', () => {
      expect(htmlToText('<pre>a&nbsp;b</pre>')).toBe('a\u00A0b');
      expect(htmlToText('<td>&nbsp;</td><p>a&nbsp; &nbsp;b</p>')).toBe('a b');
    });

    it('decodes references in link addresses and alt texts', () => {
      expect(
        htmlToText('<a href="https://x/?a=1&amp;b=2">Go</a> <img alt="Tom &amp; Jerry">')
      ).toBe('Go (https://x/?a=1&b=2) Tom & Jerry');
    });
  });

  describe('keeps the address of each link', () => {
    it.each([
      ['<a href="https://x/y">Reset password</a>', 'Reset password (https://x/y)'],
      ['<a href="https://x/y"><b>Reset</b> password</a>!', 'Reset password (https://x/y)!'],
      ['<a href="https://x/y">https://x/y</a>', 'https://x/y'],
      ['<a href="https://x.example/">x.example</a>', 'x.example'],
      ['Open <a href="https://x/y"></a> now', 'Open https://x/y now'],
      ['<a href="https://x/y"><img src="logo.png"></a>', 'https://x/y'],
      ['<a href="https://x/y"><img alt="Acme"></a>', 'Acme (https://x/y)'],
      ['<a href="mailto:help@x.example">help@x.example</a>', 'help@x.example'],
      [
        '<a href="MAILTO:help@x.example?subject=Hi">Write to us</a>',
        'Write to us (help@x.example)',
      ],
      ['<a href="#top">Back to top</a>', 'Back to top'],
      ['<a href="javascript:void(0)">Menu</a>', 'Menu'],
      ['<a name="top">Top</a> <a href="">Empty</a>', 'Top Empty'],
      ["<A HREF='https://x/y'>Single quotes</A>", 'Single quotes (https://x/y)'],
      ['<a href=https://x/y>Unquoted</a>', 'Unquoted (https://x/y)'],
      ['<a title="href=wrong" href="https://x/y">Named</a>', 'Named (https://x/y)'],
      // As in a browser, the first of two attributes of one name counts, even without a value.
      ['<a href href="https://x.org">Bare</a>', 'Bare'],
      // As a browser reads them: `x"` is a name and `href='y` its value, so there is no address;
      // a name may start with `=` or a quote; an unquoted value runs to a space or `>`.
      ['<a x"="href=\'#">Stray</a>', 'Stray'],
      ["<a x'='href=\"#'>Stray</a>", 'Stray'],
      ['<a x"="href=\'y">Stray</a>', 'Stray'],
      ['<a href=b="c>d">go</a>', 'd">go (b="c)'],
      ['<img x"="alt=\'y">', ''],
      ['<a href="\n  https://x/\ny  ">Wrapped</a>', 'Wrapped (https://x/y)'],
      ['<a href="https://x/y"><p>Block</p></a><p>Next</p>', 'Block (https://x/y)\n\nNext'],
      ['<a href="https://x/1">One<a href="https://x/2">Two', 'One (https://x/1)Two (https://x/2)'],
    ])('%s', (html, text) => {
      expect(htmlToText(html)).toBe(text);
    });
  });

  describe('lays out blocks', () => {
    it.each([
      [
        'paragraphs and headings leave a blank line',
        '<h2>Title</h2><p>One</p><p>Two</p>',
        'Title\n\nOne\n\nTwo',
      ],
      [
        'blockquote leaves a blank line',
        'Before<blockquote>Quote</blockquote>After',
        'Before\n\nQuote\n\nAfter',
      ],
      [
        'div and tr end a line',
        '<div>One</div><div>Two</div><table><tr><td>Three</td></tr><tr><td>Four</td></tr></table>',
        'One\nTwo\nThree\nFour',
      ],
      [
        'at most one blank line',
        '<p>One</p><p></p><p>&nbsp;</p><div><p>Two</p></div>',
        'One\n\nTwo',
      ],
      ['<br> breaks a line', 'One<br>Two<br/>Three</br>Four', 'One\nTwo\nThree\nFour'],
      [
        'two <br> leave a blank line, more leave no more',
        'One<br><br>Two<br><br><br><br>Three',
        'One\n\nTwo\n\nThree',
      ],
      ['a <br> that ends a block adds no line', '<div>One<br></div><div>Two</div>', 'One\nTwo'],
      ['list items', '<ul><li>One</li><li>Two</ul>', '- One\n- Two'],
      ['ordered list items', '<ol><li>One<li>Two<li>Three</ol>', '1. One\n2. Two\n3. Three'],
      [
        'nested lists',
        '<ol><li>One<ul><li>Dot</li></ul></li><li>Two</li></ol>',
        '1. One\n- Dot\n2. Two',
      ],
      ['a list between paragraphs', 'Intro<ul><li>One</li></ul>Outro', 'Intro\n\n- One\n\nOutro'],
      [
        'an empty item leaves no bullet',
        '<ul><li> </li><li>One</li><li></li></ul>After',
        '- One\n\nAfter',
      ],
      [
        'table cells',
        '<table><tr><th>Code</th><th>Expires</th></tr><tr><td>123456</td><td>10 min</td></tr></table>',
        'Code Expires\n123456 10 min',
      ],
      ['a rule', 'Above<hr>Below', 'Above\n\n------------------------\n\nBelow'],
      [
        'alt text of an image',
        '<p><img src="a.png" alt="Acme logo"> Welcome</p><img src="pixel.gif">',
        'Acme logo Welcome',
      ],
    ])('%s', (_, html, text) => {
      expect(htmlToText(html)).toBe(text);
    });
  });

  describe('white space', () => {
    it('collapses runs of white space in text as a browser does', () => {
      expect(htmlToText('  Hello,\n\t  <b> dear </b>\r\n  world  ')).toBe('Hello, dear world');
      expect(htmlToText('No<b>space</b>between')).toBe('Nospacebetween');
    });

    it('keeps the lines and indentation of <pre>, without trailing spaces', () => {
      expect(htmlToText('<p>Code:</p><pre>\nif (a) {\n    b();  \n}\n</pre>After')).toBe(
        'Code:\n\nif (a) {\n    b();\n}\n\nAfter'
      );
      expect(htmlToText('<pre>one <b>two</b>\r\nthree</pre>')).toBe('one two\nthree');
    });

    it('keeps other spaces, such as a full-width one that indents a paragraph', () => {
      expect(htmlToText('<p>\u3000Indented</p>')).toBe('\u3000Indented');
    });

    // Outside <pre>, which keeps its indentation.
    it('never leaves a leading, trailing or doubled blank line, nor a space at either end of a line', () => {
      const fragment = fc.constantFrom(
        ' ',
        '\n',
        '\t',
        '&nbsp;',
        'word',
        '<p>',
        '</p>',
        '<div>',
        '</div>',
        '<br>',
        '<li>',
        '</li>',
        '<ol>',
        '</ol>',
        '<ul>',
        '</ul>',
        '<td>',
        '</td>',
        '<tr>',
        '<hr>',
        '<a href="https://x/y">',
        '<a href="#">',
        '</a>',
        '<img alt=" alt ">',
        '<b>',
        '</b>'
      );
      fc.assert(
        fc.property(fc.array(fragment, { maxLength: 40 }), (fragments) => {
          const text = htmlToText(fragments.join(''));
          expect(text).toBe(text.trim());
          expect(text).not.toMatch(/\n{3}| \n|\n | {2}/);
        })
      );
    });
  });

  describe('edges', () => {
    it.each([
      ['&quot;&apos;&lsquo;&rsquo;&sbquo;&ldquo;&rdquo;&bdquo;&lsaquo;&rsaquo;', '"\'‘’‚“”„‹›'],
      ['&bull; &hellip; &euro; &trade; &larr; &rarr;', '• … € ™ ← →'],
      ['&OElig;uvre &oelig;uvre', 'Œuvre œuvre'],
      ['a&ensp;b&emsp;c&thinsp;d&zwnj;e&zwj;f', 'a\u2002b\u2003c\u2009d\u200Ce\u200Df'],
    ])('decodes the named characters in %j', (html, text) => {
      expect(htmlToText(html)).toBe(text);
    });

    it.each([
      [
        '<a href="https://example.com/?next=javascript:x">Go</a>',
        'Go (https://example.com/?next=javascript:x)',
      ],
      [
        '<a href="https://example.com/mailto:help">Help</a>',
        'Help (https://example.com/mailto:help)',
      ],
      ['<a href="mailto:help@example.com?subject=Sign in">Write</a>', 'Write (help@example.com)'],
      ['<a href="tel:123">123</a>', '123'],
      [
        '<a href="https://1example.com">1https://example.com</a>',
        '1https://example.com (https://1example.com)',
      ],
      ['<a href="https://example.com/a/">example.com/a</a>', 'example.com/a'],
    ])('reads the link %j', (html, text) => {
      expect(htmlToText(html)).toBe(text);
    });

    it.each([
      ['<pre>a\rb</pre>', 'a\nb'],
      ['<pre>a<b>b</b>  <i>c</i></pre>', 'ab c'],
      ['<pre>a</pre>b   c', 'a\n\nb c'],
      ['<ol><li>a</li></ol>b', '1. a\n\nb'],
      ['a<img alt>b', 'a b'],
    ])('lays out %j', (html, text) => {
      expect(htmlToText(html)).toBe(text);
    });
  });

  describe('takes linear time on hostile input', () => {
    const size = 1024 * 1024;
    const repeat = (unit: string) => unit.repeat(Math.ceil(size / unit.length));

    // What each input must become shows the whole megabyte was read, and read sensibly.
    it.each([
      ['a run of <', repeat('<'), repeat('<')],
      ['a run of < and space', repeat('< '), repeat('< ').trim()],
      ['a run of &', repeat('&'), repeat('&')],
      ['tags between letters', repeat('a<b>'), repeat('a<b>').replaceAll('<b>', '')],
      [
        'many links',
        repeat('<a href="https://x/y">Go</a>'),
        repeat('<a href="https://x/y">Go</a>').replaceAll(
          '<a href="https://x/y">Go</a>',
          'Go (https://x/y)'
        ),
      ],
      ['unclosed tags', repeat('<a'), ''],
      ['one unclosed tag', `<a ${repeat('b')}`, ''],
      ['an unclosed attribute value', `<a href="${repeat('b')}`, ''],
      ['stray quotes', repeat('<x "'), ''],
      ['unclosed quoted values', repeat('<x a="'), ''],
      ['equals signs', `<x ${repeat('= ')}`, ''],
      ['quoted >', repeat('<x a=">" '), ''],
      ['many attributes', `<a ${repeat('x=1 ')}>Go</a>`, 'Go'],
      ['unclosed comments', repeat('<!--'), ''],
      ['unclosed scripts', repeat('<script>'), ''],
      ['script end tags that never close', `<script>${repeat('</script ')}`, ''],
      ['declarations', repeat('<!x'), ''],
      ['empty paragraphs', repeat('<p></p>'), ''],
      ['line breaks', repeat('a<br>'), repeat('a<br>').replaceAll('<br>', '\n').trim()],
      ['list items', repeat('<li>a'), repeat('<li>a').replaceAll('<li>', '\n- ').trim()],
      [
        'images',
        repeat('<img alt=a>'),
        repeat('<img alt=a>').replaceAll('<img alt=a>', 'a ').trim(),
      ],
      ['nested lists', repeat('<ul><li>'), ''],
      [
        'nested empty links',
        repeat('<a href="https://x/y">'),
        repeat('<a href="https://x/y">')
          .replaceAll('<a href="https://x/y">', 'https://x/y ')
          .trim(),
      ],
      [
        'one long link',
        `<a href="https://x/y">${repeat('ab ')}</a>`,
        `${repeat('ab ').trim()} (https://x/y)`,
      ],
      ['a long entity name', `&${repeat('a')}`, `&${repeat('a')}`],
      ['a long decimal reference', `&#${repeat('9')}`, '\uFFFD'],
      ['a long hex reference', `&#x${repeat('f')};`, '\uFFFD'],
      ['space between words', `a${repeat(' \n')}b`, 'a b'],
      ['a long <pre> line', `<pre>${repeat(' ')}x${repeat(' ')}</pre>`, `${repeat(' ')}x`],
    ])('%s', (_, html, text) => {
      // Processor time, not wall time: other work on a busy machine does not count against it.
      const milliseconds = (input: string) => {
        const started = process.cpuUsage();
        const output = htmlToText(input);
        const { user, system } = process.cpuUsage(started);
        return { output, time: (user + system) / 1000 };
      };
      // Linear by growth: sixteen times the input takes about sixteen times as long, where
      // quadratic work takes 256 times. The absolute cap is a backstop, loose enough for
      // instrumented code.
      const small = milliseconds(html.slice(0, html.length / 16)).time;
      const { output: result, time } = milliseconds(html);

      expect(time).toBeLessThan(Math.max(small, 10) * 64);
      expect(time).toBeLessThan(10_000);
      // Compared in two steps, so that a failure does not print a megabyte.
      expect(result.length).toBe(text.length);
      expect(result === text).toBe(true);
    });
  });
});

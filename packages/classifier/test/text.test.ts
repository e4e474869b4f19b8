import { describe, expect, it } from 'vitest';

import {
  decodeEntities,
  formatFromContentType,
  formatFromFileName,
  htmlToBlocks,
  markdownToBlocks,
  plainTextToBlocks,
  reportSentences,
} from '../src';

const texts = (input: string, format: 'text' | 'markdown' | 'html') =>
  reportSentences(input, format).map((sentence) => sentence.text);

describe('HTML extraction', () => {
  it('drops script and style elements with their content', () => {
    const html = [
      '<html><head><title>Blog</title><style>p { color: red }</style></head><body>',
      '<p>The loader runs PowerShell.</p>',
      '<script type="text/javascript">document.write("<p>injected</p>"); var a = 1 < 2;</script>',
      '<SCRIPT>steal()</SCRIPT><p>It then beacons home.</p></body></html>',
    ].join('\n');

    expect(htmlToBlocks(html)).toEqual(['The loader runs PowerShell.', 'It then beacons home.']);
  });

  it('keeps an escaped <script> tag in the text as literal text', () => {
    const html = '<p>The page injects &lt;script&gt;alert(1)&lt;/script&gt; into forms.</p>';

    expect(texts(html, 'html')).toEqual(['The page injects <script>alert(1)</script> into forms.']);
  });

  it('decodes character references once', () => {
    expect(decodeEntities('AT&amp;T &#8220;x&#x201D; &amp;lt;b&amp;gt; &bogus; &amp')).toBe(
      'AT&T “x” &lt;b&gt; &bogus; &amp',
    );
    expect(decodeEntities('&#0;&#xD800;&#x110000;')).toBe('\ufffd\ufffd\ufffd');
  });

  it('splits blocks at block elements and keeps inline text together', () => {
    const html =
      '<div>It uses <b>cmd.exe</b> and <a href="x">net.exe</a>.<br>Second line</div>' +
      '<ul><li>one item</li><li>two items</li></ul>' +
      '<table><tr><td>cell A</td><td>B</td></tr></table>';

    expect(htmlToBlocks(html)).toEqual([
      'It uses cmd.exe and net.exe.',
      'Second line',
      'one item',
      'two items',
      'cell A',
      'B',
    ]);
  });

  it('ignores comments, attributes with > inside quotes, and dropped containers', () => {
    const html =
      '<!-- <p>hidden</p> --><p title="a > b" data-x=\'<script>\'>Visible text here.</p>' +
      '<nav><a>Home</a></nav><svg><text>chart</text></svg><pre>$ whoami</pre>' +
      '<template><p>tpl</p></template><p>After.</p>';

    expect(htmlToBlocks(html)).toEqual(['Visible text here.', 'After.']);
  });

  it('treats a stray < as text and drops an unterminated script entirely', () => {
    expect(htmlToBlocks('<p>if a < b then</p><p>x <3 y</p>')).toEqual(['if a < b then', 'x <3 y']);
    expect(htmlToBlocks('<p>Kept.</p><script>never closed <p>gone</p>')).toEqual(['Kept.']);
  });

  it('runs in linear time on hostile markup', () => {
    const hostile = `${'<a x='.repeat(20_000)}${'&#'.repeat(20_000)}<p${' ="'.repeat(20_000)}`;
    const started = performance.now();

    htmlToBlocks(hostile);

    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('Markdown extraction', () => {
  it('removes markup and keeps a raw <script> as text, never as markup', () => {
    const markdown = [
      '# Campaign **Dragon**',
      '',
      'The actor used [Cobalt Strike](https://example.test/cs) and `rundll32.exe` to run',
      'a *malicious* DLL. Payloads contain <script>alert(1)</script> in HTML.',
      '',
      '```powershell',
      'Invoke-Mimikatz -DumpCreds',
      '```',
      '',
      '- It deletes __shadow copies__.',
      '- ![diagram](x.png) It clears logs.',
      '',
      '> Quoted: it escalates privileges.',
      '',
      '| Technique | Evidence |',
      '|---|---|',
      '| T1059 | cmd use |',
      '',
      '---',
      '[ref]: https://example.test',
    ].join('\n');

    expect(texts(markdown, 'markdown')).toEqual([
      'Campaign Dragon',
      'The actor used Cobalt Strike and rundll32.exe to run a malicious DLL.',
      'Payloads contain <script>alert(1)</script> in HTML.',
      'It deletes shadow copies.',
      'It clears logs.',
      'Quoted: it escalates privileges.',
      'Technique',
      'Evidence',
      'T1059',
      'cmd use',
    ]);
  });

  it('runs in linear time on hostile Markdown', () => {
    const line = ['*a_'.repeat(5_000), '['.repeat(5_000), '`'.repeat(5_000), '| -'.repeat(5_000)];
    const started = performance.now();

    markdownToBlocks(`${line.join('\n')}\n${'- '.repeat(10_000)}x`);

    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('keeps snake_case names and file globs intact', () => {
    expect(markdownToBlocks('It reads user_data_dir and *.docx files.')).toEqual([
      'It reads user_data_dir and *.docx files.',
    ]);
  });
});

describe('plain text and sentences', () => {
  it('joins hard-wrapped lines and starts a block at each list item', () => {
    const text = 'The group sends\nspear-phishing mail.\n\n- first item\n- second item\ncontinued';

    expect(plainTextToBlocks(text)).toEqual([
      'The group sends spear-phishing mail.',
      '- first item',
      '- second item continued',
    ]);
  });

  it('splits with the dataset rule and numbers sentences from 0', () => {
    const text = 'It runs cmd.exe /c whoami. E.g. it lists users. Then it exits!  ';

    expect(reportSentences(text, 'text')).toEqual([
      { index: 0, text: 'It runs cmd.exe /c whoami.' },
      { index: 1, text: 'E.g. it lists users.' },
      { index: 2, text: 'Then it exits!' },
    ]);
  });

  it('finds no sentence in markup-only or punctuation-only input', () => {
    expect(reportSentences('<script>x()</script><style>p{}</style>', 'html')).toEqual([]);
    expect(reportSentences(' \n --- \n ', 'text')).toEqual([]);
  });

  it('guesses the format from file names and content types', () => {
    expect(formatFromFileName('report.MD')).toBe('markdown');
    expect(formatFromFileName('page.htm')).toBe('html');
    expect(formatFromFileName('notes.txt')).toBe('text');
    expect(formatFromContentType('text/html; charset=utf-8')).toBe('html');
    expect(formatFromContentType('text/markdown')).toBe('markdown');
    expect(formatFromContentType(undefined)).toBe('text');
  });
});

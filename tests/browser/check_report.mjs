// Usage: node check_report.mjs REPORT.html SCREENSHOT.png
// Opens the report from disk in headless Chromium, fails (exit 1) on any console error, page
// error or network request other than the file itself, checks that the charts rendered, and
// saves a full-page screenshot.
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';

const [report, screenshot] = process.argv.slice(2);
if (!report || !screenshot) {
  console.error('usage: node check_report.mjs REPORT.html SCREENSHOT.png');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
const url = pathToFileURL(report).href;
page.on('console', (msg) => {
  if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
});
page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
page.on('request', (req) => {
  if (req.url() !== url) problems.push(`network request: ${req.url()}`);
});
page.on('dialog', (d) => { problems.push(`dialog opened: ${d.message()}`); d.dismiss(); });
await page.goto(url, { waitUntil: 'load' });
const charts = await page.locator('svg').count();
const title = await page.title();
await page.screenshot({ path: screenshot, fullPage: true });
await browser.close();
if (title !== 'copydesk report') problems.push(`unexpected title: ${title}`);
if (charts < 3) problems.push(`expected at least 3 charts, found ${charts}`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`report rendered: ${charts} charts, no console errors, no network requests; screenshot ${screenshot}`);

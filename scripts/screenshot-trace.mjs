// Takes the dashboard's trace view of one trace: node screenshot-trace.mjs <url> <file>
// Waits for the span rows to render (the dashboard fills them in over its live connection).
import { chromium } from 'playwright-core';

const [url, file] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 620 } });
  await page.goto(url);
  await page.getByText('process task').first().waitFor({ timeout: 30000 });
  await page.waitForTimeout(1000); // let the last rows and the timeline bars settle
  await page.screenshot({ path: file });
} finally {
  await browser.close();
}

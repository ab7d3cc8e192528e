import { afterEach, describe, expect, it, vi } from 'vitest';
import { isManageToken, MANAGE_TOKEN, manageToken, manageTokenHash, manageUrl } from './manage-link.js';

const SECRET = 'test-secret-0123456789';
const ID = '0f8d2c1e-7a4b-4c3d-9e2f-1a2b3c4d5e6f';

// Computed apart from the code under test, with node:crypto:
// createHmac('sha256', secret).update(`manage:${id}`).digest('base64url'), and createHash('sha256') of that.
const TOKEN = 'ERmBNOjOmg6QPa8Ti7p2YupnapNm7c8eWVRpCgwN3q0';
const TOKEN_HASH = '3abbf06cd40aeb74d912a9c6d8047a6dddb8ddf81b6acc2088cb012c13b73588';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('manageToken', () => {
  it('is HMAC-SHA256 of "manage:<id>" keyed with the secret, base64url without padding', async () => {
    expect(await manageToken(SECRET, ID)).toBe(TOKEN);
  });

  it('is the same every time (an email made later carries the same link) and 43 characters long', async () => {
    const again = await manageToken(SECRET, ID);
    expect(again).toBe(TOKEN);
    expect(again).toHaveLength(43);
    expect(isManageToken(again)).toBe(true);
  });

  it('uses the URL-safe alphabet: - and _ where base64 has + and /', async () => {
    expect(await manageToken(SECRET, 'r-2')).toBe('-FREmzZklF1VJ_17a4cYOeKNb6KcaaHiKgX051W4vpo');
    expect(await manageToken('another-secret', ID)).toBe('cmUw5BTbnYc_1ZG0oA1p5GqsF-nkaNwVUouAweNSnsY');
  });

  it('differs by registration and by secret', async () => {
    const tokens = new Set([
      await manageToken(SECRET, ID),
      await manageToken(SECRET, 'r-2'),
      await manageToken(`${SECRET}x`, ID),
    ]);
    expect(tokens.size).toBe(3);
  });

  it('imports the HMAC key once per secret', async () => {
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    const secret = 'a secret only this test uses';
    const tokens = await Promise.all([manageToken(secret, 'a'), manageToken(secret, 'b')]);
    await manageToken(secret, 'c');
    expect(importKey).toHaveBeenCalledTimes(1);
    expect(tokens[0]).not.toBe(tokens[1]);
    await manageToken('a second secret', 'a');
    expect(importKey).toHaveBeenCalledTimes(2);
  });

  it('refuses an empty secret', async () => {
    await expect(manageToken('', ID)).rejects.toThrow('the manage link secret is empty');
  });
});

describe('manageTokenHash', () => {
  it('is SHA-256 of the token in 64 lowercase hex digits', async () => {
    expect(await manageTokenHash(TOKEN)).toBe(TOKEN_HASH);
    expect(await manageTokenHash('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('isManageToken', () => {
  it.each([
    [TOKEN, true],
    ['-FREmzZklF1VJ_17a4cYOeKNb6KcaaHiKgX051W4vpo', true],
    [TOKEN.slice(1), false], // 42
    [`${TOKEN}A`, false], // 44
    [`${TOKEN.slice(1)}=`, false], // padding
    [`${TOKEN.slice(1)}+`, false], // base64, not base64url
    [`${TOKEN.slice(1)}/`, false],
    [`${TOKEN}\n`, false],
    ['', false],
  ])('%j → %s', (text, valid) => {
    expect(isManageToken(text)).toBe(valid);
    expect(MANAGE_TOKEN.test(text)).toBe(valid);
  });
});

describe('manageUrl', () => {
  it.each([
    ['https://race.example.com', `https://race.example.com/manage/${TOKEN}`],
    ['https://race.example.com/', `https://race.example.com/manage/${TOKEN}`],
    ['https://race.example.com//', `https://race.example.com/manage/${TOKEN}`],
    ['http://localhost:8787', `http://localhost:8787/manage/${TOKEN}`],
  ])('%s → %s', (publicUrl, url) => {
    expect(manageUrl(publicUrl, TOKEN)).toBe(url);
  });
});

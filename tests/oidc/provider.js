// A real OpenID Connect provider for the staff login tests, on loopback.
// Reads its configuration as JSON from the environment variable OIDC_CONFIG:
//   {"port": 0, "issuer": "...", "client": {...}, "jwks": {"keys": [private JWK]},
//    "accounts": {"<login>": {"name": "...", "groups": ["..."]}}}
// Prints "listening <port>" once it accepts connections. Users log in through the
// provider's own development pages (any password); an unknown login is refused.
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_CONFIG);

const provider = new Provider(config.issuer, {
  clients: [config.client],
  jwks: config.jwks,
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'groups'],
  claims: { openid: ['sub'], profile: ['name'], groups: ['groups'] },
  // The groups and the name in the ID token itself, as the city's provider sends them.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async findAccount(ctx, id) {
    const account = config.accounts[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account }) };
  },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AuthorizationCode: 60, IdToken: 300, AccessToken: 300 },
});
provider.on('server_error', (ctx, error) => console.error('server_error', error));

const server = provider.listen(config.port, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

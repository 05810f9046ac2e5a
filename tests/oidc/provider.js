// A real OpenID Connect provider for the login tests (staff, and citizens as FAS logs them
// in), on loopback. Reads its configuration as JSON from the environment variable OIDC_CONFIG:
//   {"port": 0, "issuer": "...", "clients": [{...}], "jwks": {"keys": [private JWK]},
//    "accounts": {"<login>": {"name": "...", "groups": ["..."]},
//                 "<citizen>": {"givenName": "...", "surname": "...", "egovNRN": "...",
//                               "acr": "urn:be:fedict:iam:fas:Level500"}}}
// Prints "listening <port>" once it accepts connections. Users log in through the
// provider's own development pages (any password); an unknown login is refused.
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_CONFIG);

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: config.jwks,
  pkce: { required: () => true },
  // The levels the accounts log in at; without any, the provider leaves acr out of tokens.
  acrValues: [...new Set(Object.values(config.accounts).map((a) => a.acr).filter(Boolean))],
  scopes: ['openid', 'profile', 'groups', 'egovnrn'],
  claims: {
    acr: null, // a claim of its own: the level of the login, not a scope's
    openid: ['sub'],
    profile: ['name', 'givenName', 'surname'],
    groups: ['groups'],
    egovnrn: ['egovNRN'],
  },
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
// The level of the login (acr) is the account's, as FAS names the level of the key used: the
// development pages ask for no key, so the session takes the account's level at login.
const loginAccount = provider.Session.prototype.loginAccount;
provider.Session.prototype.loginAccount = function withLevel(props) {
  const acr = config.accounts[props.accountId]?.acr;
  return loginAccount.call(this, acr ? { ...props, acr } : props);
};
provider.on('server_error', (ctx, error) => console.error('server_error', error));

const server = provider.listen(config.port, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

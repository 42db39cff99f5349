// An OpenID Connect provider that answers as ORCID does, for the sign-in tests: node-oidc-provider with
// its development sign-in pages (any password), one confidential client, and accounts whose `sub` is an
// ORCID iD, with given_name and family_name in the ID token as ORCID puts them there.
//
// Environment: PORT; CLIENT_ID, CLIENT_SECRET, REDIRECT_URI; ACCOUNTS, JSON {"<ORCID iD>": {"given_name",
// "family_name"}}. Prints "listening <issuer>" once it answers.
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.ACCOUNTS || "{}");

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: [process.env.REDIRECT_URI],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  // ORCID: `openid` alone brings the names, and they are in the ID token itself.
  claims: { openid: ["sub", "given_name", "family_name"] },
  conformIdTokenClaims: false,
  cookies: { keys: ["samla-test-provider-cookie-key"] },
  async findAccount(ctx, id) {
    if (!(id in accounts)) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...accounts[id] };
      },
    };
  },
});
provider.proxy = false;

provider.listen(port, "127.0.0.1", () => {
  console.log(`listening ${issuer}`);
});

"""Why a login was refused, each with a title and an explanation the person reads (Dutch).

A refusal never says more than the person can act on: details of a forged or misdirected
token go to the log, not to the page.
"""

from __future__ import annotations

from formkit._errors import FormkitError

_TEXTS = {
    "state": (
        "Deze aanmelding is niet meer geldig",
        "De aanmelding werd niet in deze browser gestart, of ze duurde te lang. "
        "Meld u opnieuw aan.",
    ),
    "code": (
        "Deze aanmelding werd al gebruikt",
        "De identiteitsprovider aanvaardt deze aanmelding niet (meer). Meld u opnieuw aan.",
    ),
    "provider": (
        "De identiteitsprovider antwoordt niet",
        "We konden uw aanmelding niet nagaan bij de identiteitsprovider. "
        "Probeer het over enkele minuten opnieuw.",
    ),
    "denied": (
        "Aanmelden is niet gelukt",
        "De identiteitsprovider meldde u niet aan. Meld u opnieuw aan.",
    ),
    "signature": (
        "Deze aanmelding is niet echt",
        "De handtekening van het aanmeldbewijs klopt niet. Meld u opnieuw aan.",
    ),
    "algorithm": (
        "Deze aanmelding is niet echt",
        "Het aanmeldbewijs is niet ondertekend zoals vereist. Meld u opnieuw aan.",
    ),
    "issuer": (
        "Deze aanmelding komt niet van onze identiteitsprovider",
        "Het aanmeldbewijs werd uitgegeven door een andere identiteitsprovider. "
        "Meld u opnieuw aan.",
    ),
    "audience": (
        "Deze aanmelding is niet voor ons bestemd",
        "Het aanmeldbewijs is voor een andere toepassing bedoeld. Meld u opnieuw aan.",
    ),
    "expired": (
        "Deze aanmelding is verlopen",
        "Het aanmeldbewijs is verlopen. Meld u opnieuw aan.",
    ),
    "nonce": (
        "Deze aanmelding hoort niet bij deze poging",
        "Het aanmeldbewijs hoort bij een eerdere aanmelding. Meld u opnieuw aan.",
    ),
    "claims": (
        "Deze aanmelding is onvolledig",
        "Het aanmeldbewijs mist gegevens die we nodig hebben. Meld u opnieuw aan.",
    ),
    # Logging in with the eID card (Web eID); the reasons are `SignatureRefused` codes.
    "eid-challenge": (
        "Deze aanmelding is niet meer geldig",
        "De aanmelding met uw eID-kaart duurde te lang, werd al gebruikt, of werd niet in "
        "deze browser gestart. Meld u opnieuw aan.",
    ),
    "eid-malformed": (
        "Deze aanmelding kon niet gelezen worden",
        "Wat het eID-programma doorgaf, is onvolledig of beschadigd. Meld u opnieuw aan.",
    ),
    "eid-bad-signature": (
        "Deze aanmelding is niet echt",
        "Het aanmeldbewijs van uw eID-kaart klopt niet: het werd voor een andere website "
        "gemaakt, of onderweg gewijzigd. Controleer dat u op de website van de stad bent en "
        "meld u opnieuw aan.",
    ),
    "eid-wrong-key": (
        "Dit certificaat is niet om u aan te melden",
        "Het eID-programma gaf het certificaat door waarmee u ondertekent, niet dat waarmee u "
        "zich aanmeldt. Meld u opnieuw aan met uw eID-kaart.",
    ),
    "eid-expired": (
        "Het certificaat van uw eID-kaart is niet geldig",
        "Het certificaat om u aan te melden is verlopen of nog niet geldig. Is uw eID-kaart "
        "verlopen? Vraag dan een nieuwe aan bij de dienst Burgerzaken.",
    ),
    "eid-revoked": (
        "Het certificaat van uw eID-kaart is ingetrokken",
        "Met deze eID-kaart kunt u zich niet meer aanmelden. Neem contact op met de dienst "
        "Burgerzaken.",
    ),
    "eid-untrusted": (
        "Deze kaart kennen we niet",
        "Het certificaat komt niet van een Belgische eID-kaart. Meld u aan met uw Belgische "
        "eID-kaart.",
    ),
    "eid-revocation-unknown": (
        "We konden uw eID-kaart niet nagaan",
        "We konden niet nagaan of het certificaat van uw eID-kaart ingetrokken is. Probeer het "
        "over enkele minuten opnieuw.",
    ),
}


class LoginRefused(FormkitError):  # noqa: N818 (a refusal, not a programming error)
    """A login that gives no session; `reason` is one of the keys of `_TEXTS`."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.title, self.explanation = _TEXTS[reason]

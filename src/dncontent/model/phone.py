"""The clinic's phone number: read once from brand.yaml, shown formatted for people, dialled as a tel: link.

Parsing and formatting come from `phonenumbers` (Google's libphonenumber data), imported only when the content
has a phone number or a tel: link. A number is accepted when libphonenumber knows it as a valid number of its
country: that catches a digit too many or too few and an area code that does not exist. The numbers that
North American directories reserve for fiction (555-0100 to 555-0199, in any real area code) are valid, so
examples and tests can use them; validate warns about them as it does about example.com links.
"""

from __future__ import annotations

import re
from typing import NamedTuple

DEFAULT_COUNTRY = "US"  # brand.yaml `country`: where a number written without +code is dialled


class Phone(NamedTuple):
    e164: str  # +12125550123
    shown: str  # for people: national format in the clinic's country, (212) 555-0123; international elsewhere
    uri: str  # RFC 3966, for links: tel:+12125550123

    @property
    def fictional(self) -> bool:
        """One of North America's numbers for fiction, NPA-555-0100 to NPA-555-0199: a placeholder, not the clinic's."""
        return re.fullmatch(r"\+1\d{3}55501\d\d", self.e164) is not None


class PhoneTrouble(ValueError):
    """Why a text is not a phone number dncontent can show and dial."""


def parse(text: str, country: str = DEFAULT_COUNTRY) -> Phone:
    """`text` (as typed in brand.yaml, or the number of a tel: link) as a Phone; PhoneTrouble if it is not one."""
    import phonenumbers

    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException as exc:
        raise PhoneTrouble(f"is not a phone number ({_reason(exc)})") from None
    if not phonenumbers.is_possible_number(number):
        assert number.country_code is not None  # parse gives every number one
        raise PhoneTrouble(
            "has too few or too many digits for a phone number of "
            f"{phonenumbers.region_code_for_country_code(number.country_code)}"
        )
    if not phonenumbers.is_valid_number(number):
        raise PhoneTrouble("is not a valid phone number (no such area or network code)")
    home = phonenumbers.region_code_for_number(number) == country
    form = phonenumbers.PhoneNumberFormat.NATIONAL if home else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(e164, phonenumbers.format_number(number, form), "tel:" + e164)


def from_tel(uri: str, country: str = DEFAULT_COUNTRY) -> Phone:
    """The number a tel: link dials (its visual separators and parameters aside)."""
    number = uri[len("tel:") :].split(";", 1)[0]
    return parse(number, country)


def known_country(country: str) -> bool:
    import phonenumbers

    return country in phonenumbers.SUPPORTED_REGIONS


def _reason(exc) -> str:
    import phonenumbers

    reasons = {
        phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "unknown country code",
        phonenumbers.NumberParseException.NOT_A_NUMBER: "not a number",
        phonenumbers.NumberParseException.TOO_SHORT_NSN: "too short",
        phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
        phonenumbers.NumberParseException.TOO_LONG: "too long",
    }
    return reasons.get(exc.error_type, str(exc))

#!/usr/bin/env python3
"""Prints the SQL that loads the countries (ISO 3166-1 alpha-2) and languages (ISO 639-1)
controlled lists, with English and French names, from the pycountry package (its ISO data and
their French translations). Used once to write the reference-data migration; kept to show
where the lists come from. Usage: pip install pycountry && python3 scripts/reference-lists.py
"""
import gettext

import pycountry


def quote(text):
    return "'" + text.replace("'", "''") + "'"


def rows(table, entries):
    values = ",\n".join(f"    ({quote(code)}, {quote(fr)}, {quote(en)})" for code, fr, en in entries)
    return f"INSERT INTO {table} (code, name_fr, name_en) VALUES\n{values};\n"


def main():
    countries_fr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    languages_fr = gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=["fr"])
    countries = sorted(
        (c.alpha_2, countries_fr.gettext(c.name), c.name) for c in pycountry.countries
    )
    languages = sorted(
        (l.alpha_2, languages_fr.gettext(l.name), l.name)
        for l in pycountry.languages
        if hasattr(l, "alpha_2")
    )
    print(rows("countries", countries))
    print(rows("languages", languages))


if __name__ == "__main__":
    main()

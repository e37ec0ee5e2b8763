"""The language of a report and the words the rules look for in it, English and French.

Detection counts function words: reports are long enough for that to be unambiguous, and it
is deterministic (langdetect and its kin sample at random unless seeded, and add a model
for a two-way choice). `sahelkg ingest --lang` overrides it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.errors import InputError

LANGS = ("en", "fr")
_EN = {"the", "of", "and", "was", "were", "said", "has", "had", "in", "on", "its", "at", "by", "a"}
_FR = {"le", "la", "les", "des", "du", "une", "et", "a", "été", "dans", "selon", "sur", "ont"}
_WORD = re.compile(r"\w+")


def detect(text: str) -> str:
    words = [w.lower() for w in _WORD.findall(text)]
    en = sum(w in _EN for w in words)
    fr = sum(w in _FR for w in words)
    return "fr" if fr > en else "en"


def choose(text: str, lang: str | None) -> str:
    if lang is None:
        return detect(text)
    if lang not in LANGS:
        raise InputError(f"--lang {lang!r}: expected one of {', '.join(LANGS)}")
    return lang


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


@dataclass(frozen=True)
class Lexicon:
    """What each rule of article.py and candidates.py looks for, in one language."""

    attack: re.Pattern[str]
    claim: re.Pattern[str]
    unclaimed: re.Pattern[str]
    condemn: re.Pattern[str]
    condole: re.Pattern[str]
    stating: re.Pattern[str]  # a claimant's "saying that ..."
    reporting: re.Pattern[str]  # verbs of saying: their subject is the source of a figure
    blamed: re.Pattern[str]  # "blamed ... on X": X the perpetrator
    same_day: re.Pattern[str]
    every_event: re.Pattern[str]  # "both attacks": the claim covers every event so far
    the_group: re.Pattern[str]  # "the group": the armed group named last
    the_army: re.Pattern[str]  # "the army": the security force named last
    against: re.Pattern[str]  # "against", "on": what follows is a target
    linked: re.Pattern[str]  # "al Qaeda-linked": not the actor itself
    military: re.Pattern[str]
    assault: re.Pattern[str]
    remote: re.Pattern[str]
    civilian: re.Pattern[str]


EN = Lexicon(
    attack=_re(
        r"\b(?:attack\w*|assault\w*|ambush\w*|raid\w*|bombing|offensive|strikes?|massacre\w*|"
        r"clash\w*|target(?:ed|ing)|stormed|overr?an|seized|struck|kill(?:ed|ing|s)?|gunmen|"
        r"shot dead)\b"
    ),
    claim=_re(
        r"\bclaim(?:ed|s|ing)? (?:of )?responsibility\b|\bclaimed by\b|"
        r"\bclaimed (?:the|both|an?|all|these|those|its|it|the killing)\b"
    ),
    unclaimed=_re(
        r"\b(?:has|have|had) not (?:yet |so far )?been claimed\b|\bno (?:group|one) has "
        r"(?:yet |so far )?claimed\b|\bno claim of responsibility\b|\bunclaimed\b"
    ),
    condemn=_re(
        r"\b(?:condemn(?:s|ed|ing)?|denounc(?:e|es|ed|ing)|deplor(?:e|es|ed|ing)|"
        r"decr(?:y|ies|ied))\b"
    ),
    condole=_re(r"\b(?:condolences?|sympathy|sympathies)\b"),
    stating=_re(r"\b(?:stating|saying|claiming|said|adding)\b"),
    reporting=_re(
        r"\b(?:said|says|say|told|stated|announced|reported|confirmed|added|put|raised|gave)\b"
    ),
    blamed=_re(r"\b(?:blamed|attributed|blames|blaming)\b"),
    same_day=_re(r"\b(?:the same day|on the same day|that same day|the same night)\b"),
    every_event=_re(r"\b(?:both|all (?:the|these|of the)|these|the coordinated) attacks\b"),
    the_group=_re(r"\b(?:the|this) (?:group|movement|jihadist group|militant group)\b"),
    the_army=_re(r"\bthe army\b|\bthe military\b|\bthe armed forces\b"),
    against=_re(r"\b(?:against|on|targeting|targeted|at)\b"),
    linked=_re(r"^[-\s](?:linked|affiliated|allied|backed|inspired)\b"),
    military=_re(
        r"\b(?:military|army|soldiers?|troops|police|gendarm\w*|camp|base|barracks|positions?|"
        r"post|security forces)\b"
    ),
    assault=_re(
        r"\b(?:gunfire|clash\w*|fighting|stormed|firing|assault|fighters|overr?an|seized|"
        r"responded|repelled)\b"
    ),
    remote=_re(
        r"\b(?:drone|air ?strikes?|airstrikes?|bomb\w*|IEDs?|explosive device|shelling|mortars?|"
        r"suicide)\b"
    ),
    civilian=_re(r"\b(?:civilians?|villagers|worshippers|market|massacre\w*)\b"),
)

FR = Lexicon(
    attack=_re(
        r"\b(?:attaqu\w*|assaut\w*|embuscade\w*|attentats?|offensive|frappes?|massacres?|"
        r"affrontements?|tu[ée]s?|tuant|tirs|kamikaze|pris par|prise de|s'emparer|"
        r"emparés?)\b"
    ),
    claim=_re(r"\brevendiqu\w*\b"),
    unclaimed=_re(
        r"\baucune revendication\b|\bn'a (?:pas|toujours pas) (?:encore )?été revendiqu\w*|"
        r"\bnon revendiqu\w*"
    ),
    condemn=_re(r"\b(?:condamn\w*|dénonc\w*|déplor\w*|fustig\w*)\b"),
    condole=_re(r"\bcondoléances\b|\bcompassion\b"),
    stating=_re(r"\b(?:affirm\w*|disant|dit|déclar\w*|assur\w*|précis\w*|selon lui)\b"),
    reporting=_re(
        r"\b(?:a annoncé|ont annoncé|annonce|a indiqué|indique|a déclaré|déclare|a affirmé|"
        r"affirme|a confirmé|confirme|a précisé|précise|dit|rapporte|a rapporté|fait état)\b"
    ),
    blamed=_re(r"\b(?:imput\w*|attribu\w*|accus\w*)\b"),
    same_day=_re(r"\b(?:le même jour|ce même jour|la même nuit)\b"),
    every_event=_re(r"\b(?:les deux|ces|toutes les|l'ensemble des) attaques\b"),
    the_group=_re(r"\ble groupe(?: jihadiste| djihadiste| armé)?\b"),
    the_army=_re(r"\bl['’]armée\b(?! (?:malienne|nigérienne|burkinabè|béninoise))"),
    against=_re(r"\b(?:contre|visant|ciblant|sur)\b"),
    linked=_re(r"^[-\s](?:lié|affilié|proche)\w*\b"),
    military=_re(
        r"\b(?:militaires?|armée|soldats?|troupes|police|gendarm\w*|camps?|base|caserne|"
        r"postes?|positions?|forces de défense)\b"
    ),
    assault=_re(
        r"\b(?:tirs|affrontements?|combats?|assaut|pris|prise|riposte|emparés?|infiltration)\b"
    ),
    remote=_re(
        r"\b(?:drones?|frappes? aériennes?|bombe\w*|engins? explosifs?|EEI|obus|mortiers?|"
        r"kamikaze|voiture piégée)\b"
    ),
    civilian=_re(r"\b(?:civils?|villageois|fidèles|marché|habitants|massacres?)\b"),
)

LEXICONS = {"en": EN, "fr": FR}

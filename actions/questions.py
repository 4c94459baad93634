"""Which single fact a question asks for, so that it is answered alone instead of with everything.

「会場は？」 gets the venues, 「締め切りは？」 the deadline, 「いつ振り込まれる？」 the payment. The intent
says what the question is about (a course, the subsidy); these patterns say which part of it.
Patterns also carry the all-hiragana spelling (「しめきりは？」); callers match the message as typed.
"""

import re

VENUE = re.compile(r"会場|場所|どこで|オンライン|対面|形式|かいじょう|ばしょ|おんらいん")
SEATS = re.compile(r"定員|何人|何名|満員|募集人数|ていいん|なんにん|なんめい")
DEADLINE = re.compile(r"締め?切|〆切|期限|いつまで|しめきり|きげん")
TARGET = re.compile(r"対象|誰が|だれが|どんな人|たいしょう")
WHOLE_DESCRIPTION = re.compile(r"内容|詳細|詳しく|概要|どんな研修")  # 「内容と定員を教えて」: everything
WHERE_TO_APPLY = re.compile(r"どこ|提出先|申請先|出し方")
WHOLE_PROCEDURE = re.compile(r"方法|手続|流れ|やり方|仕方|書類")  # 「申請方法と期限」: the whole procedure
PAYMENT = re.compile(r"振(り)?込|支給|入金|払われ|払い込|いつ(頃|ごろ)?(入|もら|受け取)|もらえるの(は)?いつ")


def either(*patterns: re.Pattern) -> re.Pattern:
    """One pattern matching what any of ``patterns`` matches."""
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))

"""Speaking to people: the zh_CN catalog and its tools (`python -m competition.i18n.check`,
`python -m competition.i18n.add PART`), translating domain Messages, the labels of states and
actions, the display timezone, and sorting names by pinyin."""

# %% [markdown]
# # 1. The data: sources, definitions, cleaning and provenance
#
# **Question of the project.** In 2013 the Dutch *Nationaal Techniekpact 2020* set the goal that
# by 2020 "4 op de 10 jongeren kiest voor een bètatechnische opleiding" (40% of young people
# choose a beta/technical programme). Landsdeel Oost (Overijssel and Gelderland) adopted the
# same goal per level ("40% instroom in bètatechnische studies in 2020", *Notitie
# doorontwikkeling Techniekpact Oost 2020*). Before asking whether that was reachable, this
# notebook shows what the numbers are, where they come from and what had to be repaired to make
# them usable.
#
# Everything here is read from the bundled, committed dataset (`tp.load_series()`); nothing is
# downloaded.

# %% tags=["parameters"]
STUDY = None  # the study settings file (None: data/study.yml)
CHANGES = {}  # settings to change, e.g. {"target": 0.30}
REGION = "NL"
SEX = "all"
LEVELS = ["vmbo_bb", "vmbo_kb", "vmbo_gltl", "havo", "vwo", "havo_vwo", "mbo", "hbo", "wo", "ho"]

# %%
import pandas as pd

import tpforecast as tp
import tpforecast.report as rp
from tpforecast.data.loaders import select_series
from tpforecast.data.mappings import load_breaks
from tpforecast.paths import data_dir

rp.warnings_as_lines()  # series a function leaves out: one line each
pd.set_option("display.width", 120)
pd.set_option("display.max_colwidth", 60)
study = tp.load_study(STUDY).replace(**CHANGES)
series = tp.load_series()
log = pd.read_csv(data_dir() / "processed" / "clean_log.csv")
rp.dataset_summary(series)

# %% [markdown]
# ## Two kinds of sources
#
# * **Published monitor figures** (`origin == "published"`): the Techniekpact monitor
#   (editions 2016-2024), VHTO figure pages, onderwijsincijfers.nl (CBS data), the Twente Index
#   and the tables in the policy documents. These are the official headline numbers, but they
#   come as printed whole percentages, from many editions that revise each other, and with
#   definitions that changed over time. Cited per row with URL and edition.
# * **DUO open onderwijsdata** (`origin == "duo"`, indicators `duo_*`): the raw enrolment
#   files (mbo participants 2015/16-2019/20, hbo first-years 2015/16-2024/25, wo first-years
#   2013/14-2019/20, vo exam candidates 2014/15-2023/24). From these the package computes the
#   same share for the Netherlands and 18 regions (the twelve provinces, the landsdelen such as
#   Oost, and Zwolle), so regions can be compared like for like.
#
# Licences: DUO open data (credit "DUO"), CBS data under CC-BY 4.0 (credit "CBS"), Techniekpact
# monitor figures and policy documents cited per row as published figures.

# %% [markdown]
# ## Definitions and their breaks
#
# A share is only comparable over time if the definition stays the same. For the monitor's
# headline series three changes matter:
#
# * **vmbo profile reform 2016/17.** New exam profiles replaced the old sectors; the monitor's
#   figures before 2016/17 also counted technical intersectoral programmes. Values before the
#   reform carry the flag `pre_break:vmbo_profile_reform_2016` and are drawn with open markers.
# * **mbo definition switch (2018 edition).** From the 2018 edition the monitor counts technical
#   programmes per programme (SBB list) and re-applied that backwards; figures of earlier
#   editions (e.g. the 31% for 2014/15 in the *Techniekpact inzet 2016-2020*) are on the old
#   domain basis. They are moved to their own indicator `mbo_instroom_tech_domain`, so the
#   headline mbo series holds one definition only.
# * **Higher-education edition shifts.** Monitor editions re-apply the current list of
#   beta-technical programmes backwards, so the same year gets slightly different counts in
#   different editions. The rule: the newest edition wins; every superseded value stays in the
#   clean log (table below). Values printed before the 2017 revision of the cluster list carry
#   the flag `pre_break:ho_cluster_list_2017`.
#
# The other rows of the table are joins and reforms inside the DUO files (hbo first-years from
# 2020/21, wo first-years from 2015/16, the vmbo reform as seen in exam candidates), flagged
# the same way.

# %%
breaks = load_breaks()
breaks[["break_id", "indicator", "first_year", "action", "to_indicator"]]

# %%
rp.edition_conflicts(log, indicator="ho_instroom_betatech")

# %% [markdown]
# The revisions in higher education are small (at most 22 entrants on counts of about 5,000 to
# 25,000; the ho share of 2020/21 is 28% in the newest edition and 27% in the older one), so
# the choice of edition does not move any share by more than a rounding step; they are listed
# to show that nothing was silently overwritten.
#
# ## What cleaning changed
#
# `tp.clean_figures` turned the raw published table into the canonical series. Every change,
# drop, move or flag is in the clean log; per step:

# %%
rp.summarize_clean_log(log)

# %%
print(rp.clean_log_text(log))

# %% [markdown]
# Read this as: school years written in five notations were parsed, percentages became
# fractions, target rows were moved to the separate targets table, known mislabels were fixed
# from `data/mappings/corrections.csv`, and only 8 input rows were dropped, each with a logged
# reason (a value without a school year; indicators marked as not usable in
# `data/mappings/indicators.csv`).
#
# ## The headline series per level and their provenance
#
# For each level one indicator is the *canonical* (headline) one; the table shows how many
# years have a share, the span, how many sources and editions stand behind it, the quality of
# the values (reported = printed in the source, derived = arithmetic on printed numbers,
# inferred = the school year was inferred) and the breaks.

# %%
headline = tp.headline_series(series, levels=LEVELS, region=REGION, sex=SEX)
prov = rp.series_provenance(headline)
prov[["indicator", "level", "n_share", "first_year", "last_year", "n_sources", "n_editions",
      "quality", "breaks"]]

# %%
print(rp.short_series_text(headline))

# %% [markdown]
# One headline series is too thin to model: vmbo gl/tl with a NaSk package (2 values, 2005/06
# and 2014/15); its 40% ambition is therefore also judged on the separate gl and tl NaSk diploma
# series. The havo/vwo pooled series (the 55% ambition) is published for two years only; the
# cleaning derives it from the havo and vwo year-4 counts where both exist (step `pool` of the
# clean log, flags derived and pooled), which gives it seven values.

# %%
ax = tp.plot_series(headline, targets=study.target, figsize=(10, 5.2),
                    title="Share of pupils and entrants choosing technique, the Netherlands")
rp.show(ax)

# %% [markdown]
# Where the levels stand: vwo has been far above 40% for years (but this is the N-profile
# share of pupils, not the intake in technical study); havo was at or above 40% from 2013/14 to
# 2019/20 and fell back; the intake levels the 40% goal is about (mbo, hbo, wo) were at 23-34%
# in their latest published year, with flat lines since about 2017. Open markers are vmbo values
# from before the 2016/17 profile reform.
#
# ## The DUO-derived series
#
# These series exist for the Netherlands and 18 regions, and by sex; they are short (for the
# Netherlands the main ones have five to ten years, between 2013/14 and 2024/25) and two of
# them are proxies: mbo counts all *participants*, not first-years, and the vo series count exam
# candidates (2014/15 onwards) standing in for profile choice. Regions are where the institution
# is, not where the student lives.

# %%
duo = select_series(series, origin="duo", regions=[REGION], sexes=[SEX], with_share=False)
rp.series_provenance(duo)[["indicator", "level", "n_share", "first_year", "last_year",
                           "other_flags"]]

# %% [markdown]
# ## What this means
#
# The national headline series are short and gappy (7 to 13 values per level, with years
# missing in between), vmbo gl/tl pooled has too few values to model at all (2), and havo/vwo
# pooled is partly derived from the havo and vwo counts. The vmbo series break at the 2016/17
# profile reform, so a trend through vmbo values on both sides of 2016 mixes two definitions.
# The regional series (also by sex) exist only as DUO-derived counts for five to ten years
# (2013/14 to 2024/25 at most), place students where their institution is, and for
# mbo and vo are proxies (all mbo participants; vo exam candidates instead of profile choice).
# Every probability in the following notebooks inherits these limits: it says what these data
# support, not more.

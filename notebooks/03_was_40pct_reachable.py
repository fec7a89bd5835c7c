# %% [markdown]
# # 3. Was 40% in 2020 reachable, seen from 2016?
#
# The *Techniekpact inzet 2016-2020* (2016) kept the goal "4 op de 10 jongeren kiest voor
# techniek" for 2020 and restated the level ambitions: "40 procent van de vmbo-leerlingen in de
# gemengde en theoretische leerweg kiest voor een vakkenpakket met natuur- en scheikunde",
# "30 procent van de vmbo-leerlingen in de basis- en kaderberoepsgerichte leerweg kiest voor
# techniek" and "55 procent van de leerlingen in havo en vwo" with an N-profile. Landsdeel Oost
# added "20% extra vrouwen in de techniek eind 2019" (Provincie Overijssel, jaarverslag 2016).
#
# Here we put ourselves in 2016: the models see only the data up to school year 2015/16
# (`as_of: 2015` in the study settings, `data/study.yml`) and say how likely each target was;
# then we compare with what was published later for 2019/20 and 2020/21.
#
# `REGION` chooses the region (NL, Oost, Overijssel, Gelderland, ...): every table and line
# below is computed for it. The committed outputs and the readings in the text are for
# `REGION = "NL"`. For a landsdeel or province the honest answer to "as seen in 2016" is mostly
# "no answer": its series (DUO files by institution location) start in 2014/15 or later, so by
# 2015/16 no level had enough points for a model, and the tables say so level by level
# (status `too_short` or `no_data`) instead of guessing. The section on the data of the time is
# about the monitor's national editions in any case.

# %% tags=["parameters"]
STUDY = None  # the study settings file (None: data/study.yml)
CHANGES = {}  # settings to change, e.g. {"target": 0.30}
REGION = "NL"
COMBINED_LEVELS = ["mbo", "hbo", "wo"]
HINDCAST_MODELS = ["calibrated", "naive", "drift", "logit_linear", "ensemble"]
OWN_KINDS = ["ambition", "goal"]  # the kinds of own target judged in "Each level's own target"

# %%
import pandas as pd

import tpforecast as tp
import tpforecast.report as rp
from tpforecast.forecasting import hindcast_summary

rp.warnings_as_lines()  # series a function leaves out: one line each
pd.set_option("display.width", 120)
pd.set_option("display.max_colwidth", 70)
study = tp.load_study(STUDY).replace(**CHANGES)
series = tp.load_series()
targets = tp.load_targets()
headline = tp.headline_series(series, region=REGION)
run = {"seed": study.seed, "n_paths": study.n_paths}

# %% [markdown]
# ## Per level: probability of 40% in 2020/21, and what happened
#
# `p_target` is the probability, with the data to 2015/16 and the default model, that the share
# in 2020/21 is at or above 40%. "observed" are the shares published afterwards; `extra` is the
# extra growth a year from 2016/17 that would have put the median on 40%.

# %%
head = rp.headline_table(series, targets=targets, study=study, region=REGION)
head[["level", "indicator", "p_target", "observed_year_before", "observed_target_year",
      "extra_pp_per_year", "model_used", "status", "reason"]].round(3)

# %%
print(rp.headline_lines(head))

# %% [markdown]
# **Reading.** For the intake levels the goal is about, the answer in 2016 was already "very
# unlikely": mbo, hbo and ho had probabilities of 2% or less, wo about one in seven (it was
# at 35%, five points short). Havo (already at 43%) and vwo (62%) were likely to stay above
# 40%; vwo did, havo only until 2019/20 (40%) and fell just below it in 2020/21 (39%). What
# happened confirms the low probabilities: no intake level reached 40% in 2020/21.
#
# The vmbo rows use three values from before the 2016/17 profile reform and are not comparable
# with the later values; vmbo bb/kb are judged against their own 30% ambition below. The vmbo
# gl/tl pooled series has too few values to model; the havo/vwo pooled series is derived from
# the havo and vwo year-4 counts where the monitor does not print it (flags derived, pooled).
# hbo, wo and mbo, too, had only 3-4 values up to 2015/16: with so few points the width of the
# default's interval comes mostly from the calibration (how far "no change" forecasts of
# national series were off in the past), not from the series' own two or three changes.
#
# A caveat on every "as of" probability here: the default's interval widths are calibrated on
# forecast errors up to 2024, which the 2016 plans could not know; the hindcast below uses the
# calibration without the level's own family, so that it never judges the model on its own
# errors.

# %%
reach = rp.result_or_status(tp.reachability, headline, target=study.target,
                            year=study.target_year, as_of=study.as_of, **run)
rp.show_or_note(tp.plot_reachability, reach)

# %% [markdown]
# ## The data of the time, and today's revised data
#
# The table above asks what could be known in 2016 on *today's* data cut at 2015/16. But the
# data of 2016 were not today's: the monitor has since moved mbo to programme-based counting
# (the 2016 plan saw 31% for 2014/15 on the old domain basis; today's mbo series up to 2015 ends
# with 27% for 2011/12), revised the hbo/wo cluster list in 2017, and re-published havo
# 2014/15 as 43% where 2016 documents said 45%. `load_series(vintage=2016)` gives the series as
# published by the end of 2016 (older editions, no later revision or break), and the same
# question on both:

# %%
then = tp.load_series(vintage=study.as_of + 1)
views = rp.vintage_comparison(series, then=then, study=study)
rp.vintage_display(views)

# %%
views.loc[views["status"] != "ok", ["level", "view", "n_points", "years", "status", "reason"]]

# %%
rp.show(tp.plot_vintages(views))

# %% [markdown]
# **The data of the time.** In the data published by the end of 2016, **mbo has only two
# points** (29% in 2005/06 and 31% in 2014/15, on the domain basis the monitor used then): too
# few for any model, so the 2016 plan could not honestly have put a probability on mbo's 40%.
# Today's data, cut at 2015/16, give mbo four points on the programme basis (the last 27%, for
# 2011/12) and about 1%. The vmbo bb/kb and ho series did not exist yet. Havo had three points
# (30%, 45%, 43%): 66% against 72% on today's five points. hbo and wo have the same values in
# both views (22% and 35% in 2015/16): today's data flag them as on the old cluster list (a
# marked break, `pre_break:ho_cluster_list_2017`; hbo is 24-25% in 2017/18-2019/20 on the
# new list), and the answer is the same: below 1% and 15%.

# %% [markdown]
# ## The combined "4 in 10" over mbo, hbo and wo
#
# The goal is one number for all young people entering vocational and higher education,
# nationally and in the region. The monitor does not print total entrant numbers per level, so
# each year the levels are weighted by the entrants their printed counts imply (technical
# entrants / share), known or projected by their own trend (the `basis` column says which).

# %%
comb = tp.reachability_combined(series, region=REGION, levels=COMBINED_LEVELS,
                                target=study.target, year=study.target_year, as_of=study.as_of,
                                **run)
print(rp.combined_text(comb))

# %% [markdown]
# The combined share is last known for 2011/12 (the latest mbo value published before 2016;
# hbo and wo are interpolated to that year), at about 26%, and the probability of 40% in
# 2020/21 was below 1% (printed above; the levels are simulated independently, and
# correlated levels would widen the interval a little but not change the conclusion). With the
# same weights, the published shares give about 28% for 2019/20 and 2020/21.
#
# ## Hindcast: what each model said in 2016, next to what happened
#
# The same question with every model, for the years 2019/20 and 2020/21. `error_pp` is
# observed minus forecast in points (negative: the model was too optimistic).

# %%
hc = rp.result_or_status(tp.hindcast, headline, as_of=study.as_of,
                         years=[study.target_year - 1, study.target_year],
                         models=HINDCAST_MODELS, region=REGION, **run)
rp.hindcast_errors(hc, year=study.target_year)

# %%
hindcast_summary(hc).round(2)

# %%
rp.show_or_note(tp.plot_hindcast, hc, year=study.target_year, target=study.target)

# %% [markdown]
# The trend models of 2016 expected more growth than came (mbo excepted, where they expected a
# decline that did not come); "no change" was closest. The default model's 80% intervals
# contained what happened for every level.
#
# ## Each level's own target
#
# Each level judged against its own ambition or goal in the region (`OWN_KINDS`; nationally:
# vmbo bb/kb 30%, vmbo gl/tl 40% NaSk, havo/vwo 55% N-profile, all for 2019/20, and mbo/hbo/wo
# 40% in 2020/21; Oost, Overijssel and Gelderland have goals of 40% for mbo, hbo and wo), again
# with the data to 2015/16.

# %%
amb = rp.own_target_reachability(series, targets=targets, study=study, region=REGION,
                                 kinds=OWN_KINDS)
amb[["level", "indicator", "target", "target_year", "last_year", "last_share", "p_target",
     "observed", "observed_year", "met", "status"]].round(3)

# %%
print(rp.own_target_lines(amb))

# %% [markdown]
# Seen from 2016 the level ambitions were out of reach except for vwo. Havo needed 55% from 43%
# (probability about 1%); it stood at 40% in 2019/20. vmbo bb and kb needed 30% from 24% and 22%
# (11% and 4%, computed on three values from before the 2016/17 reform); they stood at 23% and
# 22% in 2019/20. Pooled bb/kb (26% in 2015/16, also pre-reform) had 6%; that pooled series is
# not published after the reform. mbo's own 30% ambition, from 27% (2011/12, the latest value
# up to 2015/16 on today's data), had about one chance in five; it stood at 28%. Havo and vwo
# pooled (50% in 2015/16) had about a one-in-eight chance of 55% (12%); the next value the counts
# give, 44% in 2021/22, is far below it. Vwo (62%) was almost sure to stay above 55% and did
# (60%). The
# vmbo gl/tl NaSk ambition (40%, from 38%) cannot be modelled: the pooled gl/tl series has two
# values, gl and tl separately two each up to 2015/16. Separately, gl reached 40% and tl 41% in
# 2016/17, but tl fell back to 34% by 2022/23 (notebook 6).
#
# ## The women target in landsdeel Oost: +20% by the end of 2019
#
# The Oost agreement of May 2016 ("20% extra vrouwen in de techniek eind 2019") is a target on
# counts: the number of women in technical programmes in 2019/20 should be 1.2 times the
# number at the start. The text states no baseline; we read it as 2015/16, the latest intake
# known when it was agreed. All three levels are counted on one basis, technical entrants on
# the monitor's scale: the national counts of women entering technical programmes (VHTO, the
# monitor) times Oost's share of them in the DUO files (mbo: its share of the participants in
# sector techniek; hbo/wo: of the first-year bachelors on the programme list), by institution
# location (students are counted where the institution is, not where they live); vo is not
# counted (its DUO figures are exam candidates, not entrants in technical programmes).

# %%
women = rp.women_target_progress(series, targets=targets)
women[["level", "indicator", "baseline_year", "baseline_count", "year", "count", "ratio",
       "target_ratio", "met", "baseline_share", "share", "note"]].round(3)

# %%
print(rp.women_lines(women))

# %% [markdown]
# Pooled over mbo, hbo and wo, the number of women entering technical programmes at
# institutions in Oost grew by about 24% between 2015/16 and 2019/20, so on this entrants basis
# the agreed +20% was met: wo +31% and hbo +22% met it, mbo (+13%) did not. (Counted as the
# stock of mbo participants instead of entrants, mbo fell by 3% and the pooled count grew by only
# 5%: the conclusion depends on counting entrants, as the agreement's "instroom" reads.) The
# share of girls choosing technique did not rise: in mbo it slipped from 12.5% to 11.1% of the
# girls (`rp.women_shares`, `rp.share_change_decomposition`), so the growth came with growing
# intake overall, not with more girls choosing technique.
#
# No probability "as seen in 2016" can be given for this target: the DUO counts of mbo and hbo
# by region and sex start in 2015/16, so in 2016 they had a single value and nothing to fit a
# model to (wo has three, from 2013/14, on two file bases). It is judged on what happened
# only.

# %% [markdown]
# ## What this means
#
# For a region other than the Netherlands the first answer is that 2016 could not know: its
# series start too late for any model, so the probabilities "as seen in 2016" do not exist, and
# only what happened afterwards (the observed columns, the combined share, the women target)
# can be judged. For the Netherlands (the committed run), seen from 2016, with the default
# model and the data to 2015/16 (tables and printed lines above):
#
# * **40% in 2020/21 per level.** For the intake levels the goal is about, it was very
#   unlikely: 2% or less for mbo, hbo and ho, about one in seven for wo. Havo (72%) and
#   vwo (near certain) were likely to be at or above 40%. What happened: no intake level
#   reached 40% (mbo 28%, hbo 23%, wo 34%, ho 28% in 2020/21); vwo stayed far above it and havo
#   just dropped below it (40% in 2019/20, 39% in 2020/21).
# * **Combined "4 in 10" over mbo, hbo and wo.** Below 1%; the combined share was about
#   28% in 2019/20 and 2020/21.
# * **Level ambitions (2019/20).** Only vwo's 55% was likely (97%), and it was met. Havo's 55%
#   (about 1%), havo/vwo pooled 55% (12%), vmbo bb/kb's 30% (4-11%, on pre-reform data)
#   and mbo's 30% (20%) were not met; the vmbo gl/tl 40% NaSk ambition had too few values to
#   judge in 2016.
# * **The data of the time.** On the series as published by the end of 2016 the answers are
#   the same where both views have a model (hbo, wo, vwo, havo/vwo; havo 66% instead of
#   72%), but mbo had only two published points on its old domain basis (29% in 2005/06 and
#   31% in 2014/15): too few for any model, so no probability could honestly have been given;
#   there were no vmbo bb/kb or ho series yet.
# * **Women in technique in Oost (+20% by 2019/20).** Met overall on technical entrants
#   (+24%: hbo and wo met it, mbo +13% did not); no forecast was possible in 2016.
#
# The probabilities were low for a plain reason: the default model, the only one that held up in
# the backtests (notebook 2), expects the level to stay where it is, and every intake level was
# 5 to 18 points short with five school years to go. The outcomes of 2019/20 and 2020/21 fell
# inside its 80% intervals for every level with a published value (hindcast above). The caveats:
# hbo, wo, mbo and vmbo had only 3-4 values up to 2015/16, so their widths come mostly from the
# calibration, which uses errors made after 2016; vmbo values are from before the 2016/17
# reform; the women target counts institutions in Oost, and Oost's mbo entrants are the
# national entrants times its share of the participants.

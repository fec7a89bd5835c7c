# %% [markdown]
# # 5. Landsdeel Oost: Overijssel and Gelderland against the Netherlands
#
# Techniekpact Oost kept the national goal per level: "40% instroom in bètatechnische studies in
# 2020", with "Instroom in technische studies naar 40% in mbo en hbo" among its priorities
# (*Notitie doorontwikkeling Techniekpact Oost 2020*). The published monitor has no regional
# series, so all series here are computed from the DUO open-data files, **in exactly the same
# way for the Netherlands, Oost, Overijssel and Gelderland**: the national line in these
# figures is therefore not the monitor's headline figure, but it is comparable with the regions.
#
# Two caveats to keep in mind:
#
# * **Regions are where the institution is**, not where the student lives (a student from
#   Overijssel at a university in Utrecht counts for Utrecht).
# * **vo figures are exam candidates (2014/15-2023/24)** standing in for profile choice, and the
#   **mbo figures are all participants**, not first-years: both are proxies.

# %% tags=["parameters"]
STUDY = None  # the study settings file (None: data/study.yml)
CHANGES = {}  # settings to change, e.g. {"target": 0.30}
REGION = "Oost"  # the region in focus: its own headline table and combined 4 in 10
REGIONS = ["NL", "Oost", "Overijssel", "Gelderland"]  # the regions compared
INTAKE_LEVELS = ["mbo", "hbo", "wo", "ho"]
VO_LEVELS = ["vmbo_bb", "vmbo_kb", "vmbo_gltl", "havo", "vwo"]
VO_AMBITION = 0.55  # the havo/vwo N-profile ambition, drawn in the vo figure

# %%
import pandas as pd

import tpforecast as tp
import tpforecast.report as rp
from tpforecast.data.loaders import select_series

rp.warnings_as_lines()  # series a function leaves out: one line each
pd.set_option("display.width", 120)
study = tp.load_study(STUDY).replace(**CHANGES)
series = tp.load_series()
targets = tp.load_targets()
intake = rp.regional_comparison(series, levels=INTAKE_LEVELS, region=REGIONS)
vo = rp.regional_comparison(series, levels=VO_LEVELS, region=REGIONS)

# %% [markdown]
# ## mbo, hbo, wo and ho: the intake levels of the 40% goal

# %%
rp.regional_latest(intake).round(3)

# %%
fig = tp.plot_panels(intake, panel="level", hue="region", targets=study.target, ncols=2,
                     panel_title="{value}: {indicator}",
                     title="Share choosing technique by region (DUO, computed the same way for "
                           "all four)",
                     source="Source: DUO open onderwijsdata; region = location of the "
                            "institution; mbo = all participants (sector techniek), hbo/wo = "
                            "first-years.")
rp.show(fig)

# %%
rp.regional_change(intake).round(3)

# %% [markdown]
# ## The regional targets: reachability of 40% in 2020/21
#
# Each DUO series (mbo and ho 2015/16-2019/20, wo 2013/14-2019/20, hbo 2015/16-2024/25; region
# = location of the institution) against the 40% goal of its region for 2020/21, with all
# data. For mbo, wo and ho the last observation is 2019/20, one year before the target year;
# hbo has observations beyond the target year, so its row gives the observed 2020/21 share
# (interval of zero width) and "needed" is n/a; its `last_share` is 2024/25. The two tables
# above read each level on its own years: the latest year with a value for every region, and
# the change over the level's last comparable stretch (after its last definition break: hbo
# from 2020/21).

# %%
reg = rp.regional_reachability(intake, targets=targets, study=study)
reg[["level", "region", "last_year", "last_share", "median", "lo_80", "hi_80", "p_target",
     "needed_pp_per_year", "recent_pp_per_year"]].round(3)

# %%
print(rp.regional_lines(reg))

# %% [markdown]
# No region was anywhere near 40% in mbo or hbo (counted where the institution is): mbo was 9
# to 15 points short in 2019/20 and could not have got there in one year, and hbo was 17 to 22
# points short in 2020/21 itself. Overijssel is ahead of the Netherlands in mbo (31.0% vs 26.7%
# in 2019/20), wo and ho, but in hbo it is now behind (20.8% vs 22.5% in 2024/25, after 22.9%
# vs 22.4% in 2020/21). Gelderland is behind in mbo (25.0%) and hbo (19.5% in 2024/25), level
# in ho (26.0% vs 25.9%) and ahead in wo (34.0% vs 29.5%). Much of that is where the institutions
# are: wo in Overijssel is 69% technical (2019/20) because its university is the technical
# University of Twente, against 34% for Gelderland's universities (Nijmegen, Wageningen); wo in
# Overijssel, and through it wo in Oost as a whole (44%), are the only series above 40%, an
# institution effect rather than a choice effect. The "lichte groei van de instroom (1% per
# niveau)" that Overijssel reported is not visible in these figures over their last five years
# (2015/16-2019/20; hbo 2020/21-2024/25): no series grew by more than 0.3 points a year
# (Overijssel wo +0.3, Gelderland hbo +0.3, Overijssel ho +0.1), and most fell (Overijssel hbo
# -0.5, Gelderland wo -0.6 points a year).
#
# ## vo: profile choice proxied by exam candidates (2014/15-2023/24)
#
# Share of exam candidates with a technical profile (vmbo), an N-profile (havo/vwo: NT and/or
# NG) per region (the region of the school). These are the pupils who chose their profile two
# to three years earlier. The table gives 2023/24.

# %%
rp.regional_latest(vo).round(3)

# %%
nprofile = select_series(series, origin="duo", sexes=["all"], regions=REGIONS,
                         indicators=["duo_vo_exam_nprofile"], levels=["havo", "vwo"])
fig = tp.plot_panels(nprofile, panel="level", hue="region", targets=VO_AMBITION,
                     panel_title="{value}: exam candidates with an N-profile",
                     title="havo and vwo exam candidates with an N-profile, by region",
                     source="Source: DUO open onderwijsdata (exam candidates, a proxy of profile "
                            "choice); region = location of the school; dashed: the 55% havo/vwo "
                            "ambition.")
rp.show(fig)

# %% [markdown]
# In vo, too, Overijssel has the highest shares of technical profiles in vmbo bb and kb and
# of N-profiles (NT and/or NG) in havo and vwo, but not everywhere: in vmbo gl/tl and in havo
# NT it is below the national share. Landsdeel Oost is within about two points of the
# Netherlands, on either side. The trend is the same everywhere: the havo N-profile share among
# exam candidates fell from 41% in 2019/20 to 36% in 2023/24 nationally (after rising to 42%
# in 2015/16-2016/17); vwo stays around the
# 55% ambition, havo is far below it. The vmbo gl/tl row is the share with a technical
# profile, not the NaSk package of the 40% gl/tl ambition, so it cannot be held against that
# ambition.
#
# ## The region in focus: its own headline and the combined 4 in 10
#
# The headline table of `REGION` (committed: Oost) per level, against 40% and against its own
# target (the region's goal; for vmbo, havo and vwo, where the region has none, the national
# level ambition: bb/kb 30%, havo/vwo 55%), on the monitor's scale: each level's DUO series
# benchmarked to the national monitor (`data/mappings/series_roles.csv`). As of 2016 no level
# had enough points for a model (the regional series start in 2014/15 or later), so those
# columns say "too few points"; with all data the probability of 40% or more in 2030/31 and
# the first year in which it is more likely than not. Then the combined 4 in 10: mbo, hbo and
# wo together, weighted by their entrants on the monitor's scale.

# %%
head = rp.headline_table(series, targets=targets, study=study, region=REGION)
rp.headline_display(head)

# %%
comb = tp.reachability_combined(series, region=REGION, target=study.target,
                                year=study.target_year, as_of=[study.as_of, None],
                                seed=study.seed, n_paths=study.n_paths)
print(rp.combined_text(comb))

# %% [markdown]
# **Reading (the committed run, Oost; students counted where the institution is).** Seen from
# 2016 nothing could be said: no Oost series had three points by 2015/16. With all data the
# intake levels stay where they were: mbo 29%
# (2019/20), hbo 22% (2021/22), ho 31%, with a probability of 40% or more in 2030/31 of a few
# percent at most (mbo 5%, hbo 1%); wo (52%, much of it the University of Twente) and vwo are
# above 40%, havo (38%) has about one chance in three; against the national ambitions havo is
# far from 55% and vwo (62%) is above it. The combined 4 in 10 of Oost was 31%
# in 2019/20 (mbo about half the weight, hbo a third, wo a sixth); 40% in 2020/21 would have
# needed about 6,400 more technical entrants in that one year, nearly ten points.
# `tpforecast report --region Oost --lang nl` gives these numbers as a one-page summary in
# Dutch for the landsdeel.
#
# ## What this means
#
# Landsdeel Oost, Overijssel and Gelderland were no closer to their own 40% goal for 2020/21
# than the Netherlands: in mbo and ho every region was 8 to 15 points short in 2019/20, with
# flat shares, so the probability of 40% a year later was below 1% everywhere, and hbo was 17
# to 22 points short in 2020/21 itself (printed above); the one exception, wo in Overijssel
# (and through it Oost), was above 40% all along, largely because of the University of Twente.
# Part of Overijssel's lead over the Netherlands (in wo nearly all of it) and of Gelderland's
# lag in mbo and hbo reflects which institutions are where, not only what young people in each
# province choose: these series count students where the institution is, not where they
# live. The vo figures (exam candidates) are a proxy of profile choice and show the same
# picture: Overijssel mostly ahead, havo falling everywhere. The reported "1% per niveau"
# growth does not show in these counts for 2015/16-2019/20, except in wo in Overijssel. Taken
# together, mbo, hbo and wo in Oost stood at about 31% technical in 2019/20, nine points short
# of the combined 4 in 10.

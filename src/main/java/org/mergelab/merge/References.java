package org.mergelab.merge;

/** The papers the merge methods implement, in one place so that families cite them alike. */
final class References {
    private References() {}

    static final String MERGEKIT = "Goddard, Siriwardhana, Ehghaghi, Meyers, Karpukhin, Benedict, McQuade, Solawetz,"
            + " \"Arcee's MergeKit: A Toolkit for Merging Large Language Models\", 2024, arXiv:2403.13257";
    static final String MODEL_SOUPS = "Wortsman et al., \"Model soups: averaging weights of multiple fine-tuned"
            + " models improves accuracy without increasing inference time\", 2022, arXiv:2203.05482";
    static final String SLERP = "Shoemake, \"Animating rotation with quaternion curves\", SIGGRAPH 1985"
            + " (no arXiv id); applied to flattened weights as in mergekit";
    static final String TASK_ARITHMETIC = "Ilharco, Ribeiro, Wortsman, Gururangan, Schmidt, Hajishirzi, Farhadi,"
            + " \"Editing Models with Task Arithmetic\", 2022 (ICLR 2023), arXiv:2212.04089";
    static final String TIES = "Yadav, Tam, Choshen, Raffel, Bansal, \"TIES-Merging: Resolving Interference"
            + " When Merging Models\", 2023, arXiv:2306.01708";
    static final String DARE = "Yu, Yu, Yu, Huang, Li, \"Language Models are Super Mario: Absorbing Abilities"
            + " from Homologous Models as a Free Lunch\", 2023, arXiv:2311.03099";
    static final String BREADCRUMBS = "Davari, Belilovsky, \"Model Breadcrumbs: Scaling Multi-Task Model Merging"
            + " with Sparse Masks\", 2023, arXiv:2312.06795";
    static final String DELLA = "Deep, Bhardwaj, Majumder, Poria, \"DELLA-Merging: Reducing Interference in Model"
            + " Merging through Magnitude-Based Sampling\", 2024, arXiv:2406.11617";
    static final String SCE = "Wan, Zhong, Huang, Quan, Bi, Shi, \"FuseChat: Knowledge Fusion of Chat Models\", 2024,"
            + " arXiv:2408.07990 (SCE: select, calculate, erase, as in mergekit)";
    static final String MODEL_STOCK = "Jang, Yun, Han, \"Model Stock: All we need is just a few fine-tuned"
            + " models\", 2024, arXiv:2403.19522";
    static final String MAGMAX = "Marczak, Twardowski, Trzcinski, Cygert, \"MagMax: Leveraging Model Merging"
            + " for Seamless Continual Learning\", 2024, arXiv:2407.06322";
    static final String FISHER = "Matena, Raffel, \"Merging Models with Fisher-Weighted Averaging\", 2021"
            + " (NeurIPS 2022), arXiv:2111.09832";
    static final String REGMEAN = "Jin, Ren, Preotiuc-Pietro, Cheng, \"Dataless Knowledge Fusion by Merging Weights of"
            + " Language Models\", 2022 (ICLR 2023), arXiv:2212.09849";
    static final String SWA = "Izmailov, Podoprikhin, Garipov, Vetrov, Wilson, \"Averaging Weights Leads to"
            + " Wider Optima and Better Generalization\", 2018, arXiv:1803.05407";
    static final String EMA = "Tarvainen, Valpola, \"Mean teachers are better role models: Weight-averaged"
            + " consistency targets improve semi-supervised deep learning results\", 2017, arXiv:1703.01780";
    static final String NEARSWAP = "alchemonaut, \"NearSwap\" (QuartetAnemoi-70B-t0.0001 model card), 2024, no"
            + " arXiv id; as mergekit's merge_methods/nearswap.py";
    static final String MULTISLERP = "Goddard, \"Multi-SLERP\" (goddard.blog/posts/multislerp-wow-what-a-cool-idea),"
            + " 2025, no arXiv id; as mergekit's merge_methods/multislerp.py";
    static final String KARCHER = "Karcher, \"Riemannian center of mass and mollifier smoothing\", Communications on"
            + " Pure and Applied Mathematics 30(5), 1977, no arXiv id; as mergekit's merge_methods/karcher.py";
    static final String NUSLERP = "Arcee AI, \"NuSLERP\" (mergekit merge_methods/nuslerp.py), 2025, no arXiv id;"
            + " spherical interpolation as Shoemake 1985, per row or column";
    static final String ARCEE_FUSION = "Arcee AI, \"Arcee Fusion\" (mergekit merge_methods/arcee_fusion.py), 2025,"
            + " no arXiv id";
}

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
    static final String MODEL_STOCK = "Jang, Yun, Han, \"Model Stock: All we need is just a few fine-tuned"
            + " models\", 2024, arXiv:2403.19522";
    static final String MAGMAX = "Marczak, Twardowski, Trzcinski, Cygert, \"MagMax: Leveraging Model Merging"
            + " for Seamless Continual Learning\", 2024, arXiv:2407.06322";
    static final String FISHER = "Matena, Raffel, \"Merging Models with Fisher-Weighted Averaging\", 2021"
            + " (NeurIPS 2022), arXiv:2111.09832";
    static final String SWA = "Izmailov, Podoprikhin, Garipov, Vetrov, Wilson, \"Averaging Weights Leads to"
            + " Wider Optima and Better Generalization\", 2018, arXiv:1803.05407";
    static final String EMA = "Tarvainen, Valpola, \"Mean teachers are better role models: Weight-averaged"
            + " consistency targets improve semi-supervised deep learning results\", 2017, arXiv:1703.01780";
}

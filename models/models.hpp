#pragma once
// Everything in models/: the autoencoders, the layer-wise scheduler, classifiers and the scarce-labels study.
#include <aegrad/models/anomaly.hpp>
#include <aegrad/models/autoencoder.hpp>
#include <aegrad/models/classifier.hpp>
#include <aegrad/models/conv_autoencoder.hpp>
#include <aegrad/models/epoch_budget.hpp>
#include <aegrad/models/layered_autoencoder.hpp>
#include <aegrad/models/layerwise_pretrainer.hpp>
#include <aegrad/models/objective.hpp>
#include <aegrad/models/pca.hpp>
#include <aegrad/models/report.hpp>
#include <aegrad/models/scarce_labels.hpp>
#include <aegrad/models/semi_supervised.hpp>
#include <aegrad/models/stacked_autoencoder.hpp>
#include <aegrad/models/torch_export.hpp>
#include <aegrad/models/tsne.hpp>
#include <aegrad/models/variational_autoencoder.hpp>

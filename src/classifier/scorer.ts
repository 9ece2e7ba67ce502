import { FeatureExtractor, type FeatureConfig } from './features.js';
import type { LinearModel, Prediction } from './model.js';

/** A trained model with its feature extractor: text in, predicted 0-5 score out. */
export class QualityScorer {
  private readonly extractor: FeatureExtractor;

  constructor(
    readonly model: LinearModel,
    features: FeatureConfig,
  ) {
    if (model.buckets !== features.buckets) {
      throw new RangeError(`the model has ${model.buckets} buckets but the feature config ${features.buckets}`);
    }
    this.extractor = new FeatureExtractor(features);
  }

  score(text: string, domain: string): Prediction {
    return this.model.predict(this.extractor.extract(text, domain));
  }
}

/** exercises-home marks the home page's lesson cards with the progress the browser has mirrored ("3 of 4 done"). */
import { markHomePage, readProgress } from './exercises-progress.ts';

markHomePage(document, readProgress());
